import zlib from 'node:zlib';
import { FileRejectedError } from '../errors.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './limits.js';

/** One member of a zip file as its central directory declares it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; other methods are not inflated here. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

const notAZip = (subject: string) => `${subject}文件已损坏（不是完整的 zip 压缩包），无法读取`;
const sizeMismatch = (subject: string) => `${subject}文件结构异常（压缩包里的内容比记录的大小更大），无法读取`;

class ZipFormatError extends Error {}

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(`64-bit field too large at ${at}`);
  return Number(v);
}

function need(b: Buffer, at: number, length: number, what: string): void {
  if (at < 0 || at + length > b.length) throw new ZipFormatError(`${what} out of bounds (${at}+${length} > ${b.length})`);
}

/** Where the central directory is and how many entries it has, from the end records (zip64 aware). */
function endOfCentralDirectory(b: Buffer): { offset: number; size: number; entries: number } {
  const lowest = Math.max(0, b.length - EOCD_MIN - MAX_COMMENT);
  for (let at = b.length - EOCD_MIN; at >= lowest; at--) {
    if (b.readUInt32LE(at) !== EOCD_SIG) continue;
    let entries = b.readUInt16LE(at + 10);
    let size = b.readUInt32LE(at + 12);
    let offset = b.readUInt32LE(at + 16);
    if (entries === U16_MAX || size === U32_MAX || offset === U32_MAX) {
      const loc = at - 20;
      need(b, loc, 20, 'zip64 locator');
      if (b.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) throw new ZipFormatError('zip64 fields without a zip64 locator');
      const rec = u64(b, loc + 8);
      need(b, rec, 56, 'zip64 end record');
      if (b.readUInt32LE(rec) !== ZIP64_EOCD_SIG) throw new ZipFormatError('bad zip64 end record signature');
      entries = u64(b, rec + 32);
      size = u64(b, rec + 40);
      offset = u64(b, rec + 48);
    }
    return { offset, size, entries };
  }
  throw new ZipFormatError('no end of central directory record');
}

/**
 * Reads the central directory: names and declared sizes, nothing inflated.
 * Beyond `maxEntries` only the count is returned. Throws ZipFormatError.
 */
function readEntries(b: Buffer, maxEntries: number): { count: number; entries: ZipEntry[] } {
  if (b.length < EOCD_MIN) throw new ZipFormatError(`only ${b.length} bytes`);
  const end = endOfCentralDirectory(b);
  if (end.entries > maxEntries) return { count: end.entries, entries: [] };
  need(b, end.offset, end.size, 'central directory');
  const entries: ZipEntry[] = [];
  let at = end.offset;
  for (let i = 0; i < end.entries; i++) {
    need(b, at, 46, 'central directory entry');
    if (b.readUInt32LE(at) !== CENTRAL_SIG) throw new ZipFormatError(`bad central directory signature at ${at}`);
    const method = b.readUInt16LE(at + 10);
    let compressedSize = b.readUInt32LE(at + 20);
    let uncompressedSize = b.readUInt32LE(at + 24);
    const nameLength = b.readUInt16LE(at + 28);
    const extraLength = b.readUInt16LE(at + 30);
    const commentLength = b.readUInt16LE(at + 32);
    let localHeaderOffset = b.readUInt32LE(at + 42);
    need(b, at + 46, nameLength + extraLength + commentLength, 'central directory entry name');
    const name = b.toString('utf8', at + 46, at + 46 + nameLength);
    if (uncompressedSize === U32_MAX || compressedSize === U32_MAX || localHeaderOffset === U32_MAX) {
      // Zip64 extended information: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
      let x = at + 46 + nameLength;
      const extraEnd = x + extraLength;
      while (x + 4 <= extraEnd) {
        const id = b.readUInt16LE(x);
        const len = b.readUInt16LE(x + 2);
        if (id === 0x0001) {
          const values: number[] = [];
          for (let p = x + 4; p + 8 <= x + 4 + len; p += 8) values.push(u64(b, p));
          if (uncompressedSize === U32_MAX) uncompressedSize = values.shift() ?? uncompressedSize;
          if (compressedSize === U32_MAX) compressedSize = values.shift() ?? compressedSize;
          if (localHeaderOffset === U32_MAX) localHeaderOffset = values.shift() ?? localHeaderOffset;
          break;
        }
        x += 4 + len;
      }
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { count: entries.length, entries };
}

/** The compressed bytes of an entry, located through its local header. */
function entryData(b: Buffer, e: ZipEntry): Buffer {
  need(b, e.localHeaderOffset, 30, `local header of ${e.name}`);
  if (b.readUInt32LE(e.localHeaderOffset) !== LOCAL_SIG) throw new ZipFormatError(`bad local header signature for ${e.name}`);
  const start = e.localHeaderOffset + 30 + b.readUInt16LE(e.localHeaderOffset + 26) + b.readUInt16LE(e.localHeaderOffset + 28);
  need(b, start, e.compressedSize, `data of ${e.name}`);
  return b.subarray(start, start + e.compressedSize);
}

/** Inflates without keeping the output; 'over' as soon as more than `limit` bytes come out. */
function inflatedSize(data: Buffer, limit: number): Promise<number | 'over'> {
  return new Promise((resolve, reject) => {
    const inflate = zlib.createInflateRaw({ chunkSize: 256 * 1024 });
    let total = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        settle(() => resolve('over'));
        inflate.destroy();
      }
    });
    inflate.on('end', () => settle(() => resolve(total)));
    inflate.on('error', (e) => settle(() => reject(e)));
    inflate.end(data);
  });
}

const XML_PART = /\.(?:xml|rels)$/i;

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/**
 * Checks a zip container before any library inflates it: the declared
 * uncompressed sizes from the central directory against the caps, then every
 * deflated entry inflated (output discarded) with its declared size as the
 * byte limit, so an entry whose declared size lies is caught after at most
 * that many bytes. Throws FileRejectedError 'too-large' or 'corrupt'; `subject`
 * starts the messages ("DOCX ", "「表.xlsx」").
 */
export async function checkZipContainer(
  bytes: Buffer,
  fileName: string,
  opts: { subject?: string; limits?: ZipLimits } = {},
): Promise<ZipEntry[]> {
  const limits = opts.limits ?? DEFAULT_ZIP_LIMITS;
  const subject = opts.subject ?? '';
  let count: number;
  let entries: ZipEntry[];
  try {
    ({ count, entries } = readEntries(bytes, limits.maxEntries));
  } catch (e) {
    if (!(e instanceof ZipFormatError || e instanceof RangeError)) throw e;
    throw new FileRejectedError('corrupt', notAZip(subject), `${fileName}: zip central directory unreadable: ${e.message}`, { cause: e });
  }
  if (count > limits.maxEntries) {
    throw new FileRejectedError('too-large', `${subject}文件结构异常（压缩包里有 ${count} 个文件，上限 ${limits.maxEntries} 个），无法读取`, `${fileName}: ${count} zip entries`);
  }
  let xml = 0;
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (XML_PART.test(e.name)) xml += e.uncompressedSize;
  }
  if (xml > limits.maxXmlBytes) {
    throw new FileRejectedError(
      'too-large',
      `${subject}文件解压后过大（文档内容约 ${mb(xml)} MB，上限 ${limits.maxXmlBytes / 1024 / 1024} MB），无法读取`,
      `${fileName}: zip declares ${xml} bytes of XML parts (cap ${limits.maxXmlBytes})`,
    );
  }
  if (total > limits.maxTotalBytes) {
    throw new FileRejectedError(
      'too-large',
      `${subject}文件解压后过大（约 ${mb(total)} MB，上限 ${limits.maxTotalBytes / 1024 / 1024} MB），无法读取`,
      `${fileName}: zip declares ${total} uncompressed bytes (cap ${limits.maxTotalBytes})`,
    );
  }
  for (const e of entries) {
    let data: Buffer;
    try {
      data = entryData(bytes, e);
    } catch (err) {
      if (!(err instanceof ZipFormatError)) throw err;
      throw new FileRejectedError('corrupt', notAZip(subject), `${fileName}: ${err.message}`, { cause: err });
    }
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) {
        throw new FileRejectedError('corrupt', sizeMismatch(subject), `${fileName}: stored entry ${e.name} is ${e.compressedSize} bytes, declared ${e.uncompressedSize}`);
      }
      continue;
    }
    if (e.method !== 8) continue; // the zip libraries refuse other methods themselves
    let size: number | 'over';
    try {
      size = await inflatedSize(data, e.uncompressedSize);
    } catch (err) {
      throw new FileRejectedError('corrupt', notAZip(subject), `${fileName}: ${e.name} does not inflate: ${(err as Error).message}`, { cause: err });
    }
    if (size === 'over') {
      throw new FileRejectedError('corrupt', sizeMismatch(subject), `${fileName}: ${e.name} inflates to more than its declared ${e.uncompressedSize} bytes`);
    }
  }
  return entries;
}
