import { describe, expect, it } from 'vitest';
import { SUPPORTED_EXTENSIONS, sniffFormat } from '../../../src/ingest/loaders/index.js';

const HAN = /[\u4e00-\u9fff]/;

function bytes(...parts: Array<string | number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

describe('sniffFormat', () => {
  it('trusts the extension for plain text and Markdown', () => {
    expect(sniffFormat(Buffer.from('你好'), 'a.txt')).toEqual({ kind: 'load', format: 'txt' });
    expect(sniffFormat(Buffer.from('# 标题'), 'A.MD')).toEqual({ kind: 'load', format: 'md' });
    expect(sniffFormat(Buffer.from('x'), 'dir.v2/notes.markdown')).toEqual({ kind: 'load', format: 'md' });
  });

  it('loads %PDF- content as PDF whatever the name, warning when the name disagrees', () => {
    expect(sniffFormat(bytes('%PDF-1.7\n'), 'x.pdf')).toEqual({ kind: 'load', format: 'pdf' });
    const renamed = sniffFormat(bytes('%PDF-1.7\n'), 'x.docx');
    expect(renamed).toMatchObject({ kind: 'load', format: 'pdf' });
    expect(renamed.kind === 'load' && renamed.warning).toBe('文件扩展名是 .docx，但内容是 PDF，已按 PDF 读取');
  });

  it('treats a zip named .docx as DOCX and finds a DOCX hidden under another name', () => {
    expect(sniffFormat(bytes([0x50, 0x4b, 0x03, 0x04], 'rest'), 'a.docx')).toEqual({ kind: 'load', format: 'docx' });
    const hidden = sniffFormat(bytes([0x50, 0x4b, 0x03, 0x04], '....word/document.xml'), 'a.doc');
    expect(hidden).toMatchObject({ kind: 'load', format: 'docx' });
    expect(hidden.kind === 'load' && hidden.warning).toBeTruthy();
  });

  it('rejects an Excel workbook (zip with xl/workbook.xml) as unsupported', () => {
    const result = sniffFormat(bytes([0x50, 0x4b, 0x03, 0x04], '..xl/workbook.xml'), 'a.xlsx');
    expect(result).toMatchObject({ kind: 'reject', code: 'unsupported' });
  });

  it('rejects OLE2 files as legacy .doc, but password-protected Office files as encrypted', () => {
    const ole2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    expect(sniffFormat(bytes(ole2, 'WordDocument'), 'a.doc')).toMatchObject({ kind: 'reject', code: 'legacy-doc' });
    expect(sniffFormat(bytes(ole2), 'renamed.docx')).toMatchObject({ kind: 'reject', code: 'legacy-doc' });
    const encrypted = Buffer.concat([bytes(ole2), Buffer.from('EncryptedPackage', 'utf16le')]);
    expect(sniffFormat(encrypted, 'secret.docx')).toMatchObject({ kind: 'reject', code: 'encrypted' });
  });

  it('rejects an RTF saved under a .doc name as legacy-doc', () => {
    expect(sniffFormat(Buffer.from('{\\rtf1\\ansi 文字}'), 'notice.doc')).toMatchObject({ kind: 'reject', code: 'legacy-doc' });
  });

  it.each([
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]],
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0, 0, 0x10]],
    ['GIF', [...Buffer.from('GIF89a\x01\x00', 'latin1')]],
    ['TIFF', [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]],
    ['WEBP', [...Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')]],
  ])('rejects a %s picture, even named .txt, saying OCR is needed', (_name, magic) => {
    const result = sniffFormat(Buffer.from(magic), 'scan.txt');
    expect(result).toMatchObject({ kind: 'reject', code: 'unsupported' });
    expect(result.kind === 'reject' && result.userMessage).toMatch(/OCR/);
  });

  it('rejects a BMP picture by its header and size field', () => {
    const bmp = Buffer.alloc(30);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(30, 2);
    expect(sniffFormat(bmp, 'a.bmp')).toMatchObject({ kind: 'reject', code: 'unsupported' });
  });

  it.each(['a.csv', 'a.json', 'a.html', 'a.xlsx', 'noextension'])('rejects %s as unsupported, listing the formats', (name) => {
    const result = sniffFormat(Buffer.from('a,b\n1,2\n'), name);
    expect(result).toMatchObject({ kind: 'reject', code: 'unsupported' });
    const message = result.kind === 'reject' ? result.userMessage : '';
    expect(message).toMatch(HAN);
    expect(message).toContain('PDF、DOCX、TXT、Markdown');
  });

  it('rejects zero bytes as empty before anything else', () => {
    expect(sniffFormat(Buffer.alloc(0), 'a.pdf')).toMatchObject({ kind: 'reject', code: 'empty' });
  });

  it('lists the supported extensions', () => {
    expect(SUPPORTED_EXTENSIONS).toEqual(expect.arrayContaining(['.pdf', '.docx', '.txt', '.md']));
  });
});
