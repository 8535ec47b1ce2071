/**
 * Files generated at test time (never committed): zip containers written by a
 * small streaming writer (so a 150 MB document or a 1 GB entry costs the test
 * process only its compressed size), and large plain-text documents.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { seedsDir } from './pipelineFixture.js';
import { mulberry32 } from '../helpers/random.js';

export interface ZipSource {
  name: string;
  /** The entry's content, produced piece by piece. */
  chunks: () => Iterable<Buffer | string>;
  /** Uncompressed size written into the headers; the true size when absent (a lie when set). */
  declaredSize?: number;
}

interface Written {
  name: Buffer;
  crc: number;
  compressed: Buffer;
  size: number;
  declared: number;
  offset: number;
}

async function deflate(chunks: Iterable<Buffer | string>): Promise<{ compressed: Buffer; crc: number; size: number }> {
  const deflater = zlib.createDeflateRaw({ level: 9, memLevel: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflater.on('end', resolve);
    deflater.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  for (const chunk of chunks) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    crc = zlib.crc32(b, crc);
    size += b.length;
    if (!deflater.write(b)) await new Promise((r) => deflater.once('drain', r));
  }
  deflater.end();
  await done;
  return { compressed: Buffer.concat(out), crc, size };
}

/**
 * Writes a zip file (deflate) of the given entries. `zip64`: the central directory
 * gives every size and offset, and the entry count, in zip64 records only (as some
 * Office-file writers do even for small files).
 */
export async function writeZip(file: string, sources: readonly ZipSource[], opts: { zip64?: boolean } = {}): Promise<void> {
  const U32 = 0xffffffff;
  const written: Written[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const s of sources) {
    const { compressed, crc, size } = await deflate(s.chunks());
    const name = Buffer.from(s.name);
    const declared = s.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, compressed);
    written.push({ name, crc, compressed, size, declared, offset });
    offset += local.length + name.length + compressed.length;
  }
  const cdStart = offset;
  for (const w of written) {
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    central.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(w.crc, 16);
    central.writeUInt32LE(opts.zip64 ? U32 : w.compressed.length, 20);
    central.writeUInt32LE(opts.zip64 ? U32 : w.declared, 24);
    central.writeUInt16LE(w.name.length, 28);
    central.writeUInt32LE(opts.zip64 ? U32 : w.offset, 42);
    const extra = Buffer.alloc(opts.zip64 ? 28 : 0);
    if (opts.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(w.declared), 4);
      extra.writeBigUInt64LE(BigInt(w.compressed.length), 12);
      extra.writeBigUInt64LE(BigInt(w.offset), 20);
      central.writeUInt16LE(extra.length, 30);
    }
    parts.push(central, w.name, extra);
    offset += central.length + w.name.length + extra.length;
  }
  const cdSize = offset - cdStart;
  if (opts.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(written.length), 24);
    record.writeBigUInt64LE(BigInt(written.length), 32);
    record.writeBigUInt64LE(BigInt(cdSize), 40);
    record.writeBigUInt64LE(BigInt(cdStart), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : written.length, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : written.length, 10);
  eocd.writeUInt32LE(opts.zip64 ? U32 : cdSize, 12);
  eocd.writeUInt32LE(opts.zip64 ? U32 : cdStart, 16);
  parts.push(eocd);
  fs.writeFileSync(file, Buffer.concat(parts));
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const DOC_OPEN = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const DOC_CLOSE = '</w:body></w:document>';
const PARAGRAPH = (n: number) => `<w:p><w:r><w:t>第${n}条 各县要按照义务教育均衡发展的要求，统筹配置教师资源，保障学校办学条件。</w:t></w:r></w:p>`;

/** document.xml of about `bytes` bytes of dense, distinct paragraphs. */
function* documentXml(bytes: number): Generator<string> {
  yield DOC_OPEN;
  let size = 0;
  let n = 0;
  while (size < bytes) {
    const chunk: string[] = [];
    for (let k = 0; k < 2000; k++) chunk.push(PARAGRAPH(++n));
    const text = chunk.join('');
    size += Buffer.byteLength(text);
    yield text;
  }
  yield DOC_CLOSE;
}

/**
 * A DOCX whose word/document.xml holds `xmlBytes` of dense paragraphs
 * (`<w:p><w:r><w:t>…</w:t></w:r></w:p>`, deflated ~300:1 like the 468 KB / 150 MB
 * file of the issue). `declaredSize` makes the headers lie about its size.
 */
export async function writeDocxBomb(file: string, xmlBytes: number, declaredSize?: number, opts: { zip64?: boolean } = {}): Promise<void> {
  await writeZip(
    file,
    [
      { name: '[Content_Types].xml', chunks: () => [CONTENT_TYPES] },
      { name: '_rels/.rels', chunks: () => [RELS] },
      { name: 'word/document.xml', chunks: () => documentXml(xmlBytes), declaredSize },
    ],
    opts,
  );
}

/** A DOCX with a few paragraphs and one non-XML entry of `bytes` zero bytes (a classic zip bomb). */
export async function writeZeroBomb(file: string, bytes: number): Promise<void> {
  const MB = Buffer.alloc(1024 * 1024);
  await writeZip(file, [
    { name: '[Content_Types].xml', chunks: () => [CONTENT_TYPES] },
    { name: '_rels/.rels', chunks: () => [RELS] },
    { name: 'word/document.xml', chunks: () => documentXml(1000) },
    {
      name: 'word/media/image1.png',
      chunks: function* () {
        for (let i = 0; i < bytes / MB.length; i++) yield MB;
      },
    },
  ]);
}

/**
 * A valid plain-text document of about `bytes` bytes (UTF-8): seed paragraphs in
 * shuffled order with their figures varied, under 第N章 headings, each paragraph
 * opening with a （N） marker — so the outline holds one rank per paragraph
 * (the shape that overflowed `Math.min(...ranks)`).
 */
export function writeBigText(file: string, bytes: number): void {
  const paragraphs = fs
    .readdirSync(seedsDir)
    .flatMap((f) => fs.readFileSync(path.join(seedsDir, f), 'utf8').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.length > 40);
  const rand = mulberry32(20261201);
  const fd = fs.openSync(file, 'w');
  try {
    let size = 0;
    let chapter = 0;
    let item = 0;
    const chunk: string[] = [];
    while (size < bytes) {
      if (item % 20 === 0) {
        chapter++;
        chunk.push(`第${chapter}章 综合材料`);
      }
      item++;
      const p = paragraphs[Math.floor(rand() * paragraphs.length)]!.replace(/\d+/g, (d) => String(Number(d) + Math.floor(rand() * 97)));
      const line = `（${(item % 20) + 1}）${p}`;
      chunk.push(line);
      size += Buffer.byteLength(line) + 1;
      if (chunk.length >= 4000) {
        fs.writeSync(fd, `${chunk.join('\n')}\n`);
        chunk.length = 0;
      }
    }
    fs.writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    fs.closeSync(fd);
  }
}
