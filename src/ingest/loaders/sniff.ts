import type { RejectionCode } from '../../errors.js';
import type { DocumentFormat } from '../types.js';

/** File extensions (lower case, with dot) that the loaders accept. */
export const SUPPORTED_EXTENSIONS: readonly string[] = ['.pdf', '.docx', '.txt', '.text', '.md', '.markdown'];

const SUPPORTED_LIST = 'PDF、DOCX、TXT、Markdown';

/** Outcome of looking at a file's first bytes and its name, before any parsing. */
export type SniffResult =
  | { kind: 'load'; format: DocumentFormat; warning?: string }
  | { kind: 'reject'; code: RejectionCode; userMessage: string; technical: string };

const EXTENSION_FORMATS: Readonly<Record<string, DocumentFormat>> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
};

const FORMAT_NAMES: Readonly<Record<DocumentFormat, string>> = {
  pdf: 'PDF',
  docx: 'DOCX',
  txt: 'TXT',
  md: 'Markdown',
};

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const IMAGE_MAGICS: ReadonlyArray<{ name: string; test: (b: Buffer) => boolean }> = [
  { name: 'PNG', test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { name: 'JPEG', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { name: 'GIF', test: (b) => startsWith(b, Buffer.from('GIF87a', 'latin1')) || startsWith(b, Buffer.from('GIF89a', 'latin1')) },
  { name: 'BMP', test: (b) => startsWith(b, [0x42, 0x4d]) && b.length >= 26 && b.readUInt32LE(2) === b.length },
  { name: 'TIFF', test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) },
  {
    name: 'WEBP',
    test: (b) => startsWith(b, Buffer.from('RIFF', 'latin1')) && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/** Lower-case extension including the dot, or '' when the name has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/**
 * Decides how to read a file from its magic bytes first and its extension second, because
 * users rename files freely (a PDF saved as .docx, an old .doc renamed .docx).
 * Pure: looks only at the bytes and the name.
 */
export function sniffFormat(bytes: Buffer, fileName: string): SniffResult {
  const ext = extensionOf(fileName);
  const byExtension = EXTENSION_FORMATS[ext];

  if (bytes.length === 0) {
    return reject('empty', '文件是空的', `${fileName}: 0 bytes`);
  }

  if (startsWith(bytes, PDF_MAGIC)) {
    return load('pdf', byExtension, ext);
  }

  if (startsWith(bytes, ZIP_MAGIC)) {
    return sniffZip(bytes, ext, byExtension, fileName);
  }

  if (startsWith(bytes, OLE2_MAGIC)) {
    return sniffOle2(bytes, ext, fileName);
  }

  const image = IMAGE_MAGICS.find((m) => m.test(bytes));
  if (image) {
    return reject(
      'unsupported',
      `这是一张图片（${image.name}），图片里没有可提取的文字，需要先做文字识别（OCR）转成文字后再放入`,
      `${fileName}: ${image.name} image magic bytes`,
    );
  }

  if (byExtension) {
    return { kind: 'load', format: byExtension };
  }
  if (ext === '.doc' || ext === '.wps') {
    // RTF or HTML saved under a .doc name: the same advice (save as .docx) applies.
    return legacyDoc(`${fileName}: ${ext} without OLE2 magic (RTF/HTML/other saved as ${ext})`);
  }
  return unsupportedExtension(ext, fileName);
}

/** ZIP container: DOCX when named so; otherwise peek at the member names stored in clear text. */
function sniffZip(bytes: Buffer, ext: string, byExtension: DocumentFormat | undefined, fileName: string): SniffResult {
  if (byExtension === 'docx') return { kind: 'load', format: 'docx' };
  // Local file headers carry member names uncompressed, so a renamed DOCX is recognisable.
  if (bytes.includes('word/document.xml', 0, 'latin1')) {
    return load('docx', byExtension, ext);
  }
  if (bytes.includes('xl/workbook.xml', 0, 'latin1')) {
    return reject(
      'unsupported',
      `这是 Excel 表格文件，不能作为文档导入。可以放入的格式：${SUPPORTED_LIST}`,
      `${fileName}: zip container holding xl/workbook.xml`,
    );
  }
  return unsupportedExtension(ext, fileName);
}

/** OLE2 compound file: legacy Word/WPS, or an encrypted OOXML document (Office wraps those in OLE2). */
function sniffOle2(bytes: Buffer, ext: string, fileName: string): SniffResult {
  if (bytes.includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
    return reject(
      'encrypted',
      '文件已加密（需要密码），请提供未加密的版本',
      `${fileName}: OLE2 container with an EncryptedPackage stream (password-protected Office file)`,
    );
  }
  if (ext === '.xls' || ext === '.ppt' || ext === '.msg') {
    return unsupportedExtension(ext, fileName);
  }
  return legacyDoc(`${fileName}: OLE2 compound document (legacy .doc / Word 97-2003 binary format)`);
}

function legacyDoc(technical: string): SniffResult {
  return reject('legacy-doc', '不支持旧版 Word（.doc，Word 97-2003）格式，请用 Word 或 WPS 另存为 .docx 后再放入', technical);
}

function load(format: DocumentFormat, byExtension: DocumentFormat | undefined, ext: string): SniffResult {
  if (byExtension === format) return { kind: 'load', format };
  const named = ext === '' ? '文件没有扩展名' : `文件扩展名是 ${ext}`;
  return {
    kind: 'load',
    format,
    warning: `${named}，但内容是 ${FORMAT_NAMES[format]}，已按 ${FORMAT_NAMES[format]} 读取`,
  };
}

function unsupportedExtension(ext: string, fileName: string): SniffResult {
  const what = ext === '' ? '没有扩展名的文件' : `${ext} 格式的文件`;
  return reject(
    'unsupported',
    `不支持 ${what}。可以放入的格式：${SUPPORTED_LIST}`,
    `${fileName}: unsupported extension '${ext}'`,
  );
}

function reject(code: RejectionCode, userMessage: string, technical: string): SniffResult {
  return { kind: 'reject', code, userMessage, technical };
}

function startsWith(bytes: Buffer, magic: ArrayLike<number>): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) {
    if (bytes[i] !== magic[i]) return false;
  }
  return true;
}
