import { describe, expect, it } from 'vitest';
import { textLoader } from '../../../src/ingest/loaders/text.js';
import { expectRejection, fixture, seedText } from './helpers.js';

describe('textLoader', () => {
  it('gives one line block per physical line of seed 000, CRLF folded, BOM gone', async () => {
    const doc = await textLoader.load(fixture('000-crlf-bom.txt'), '000-crlf-bom.txt');
    expect(doc.format).toBe('txt');
    expect(doc.blocks.every((b) => b.kind === 'line')).toBe(true);
    const joined = doc.blocks.map((b) => b.text).join('\n');
    expect(joined).not.toMatch(/[\r\uFEFF]/);
    expect(joined).toBe(seedText('000'));
  });

  it('keeps empty lines as empty line blocks (paragraph breaks for the cleaner)', async () => {
    const doc = await textLoader.load(Buffer.from('甲\r\n\r\n乙\r丙\n'), 'a.txt');
    expect(doc.blocks).toEqual([
      { kind: 'line', text: '甲' },
      { kind: 'line', text: '' },
      { kind: 'line', text: '乙' },
      { kind: 'line', text: '丙' },
    ]);
  });

  it('does not trim or squeeze spaces inside lines', async () => {
    const doc = await textLoader.load(Buffer.from('　　第一条  内容\n'), 'a.txt');
    expect(doc.blocks[0]?.text).toBe('　　第一条  内容');
  });

  it('reproduces seed 001 from UTF-16LE and notes the encoding', async () => {
    const doc = await textLoader.load(fixture('001-utf16.txt'), '001-utf16.txt');
    expect(doc.blocks.map((b) => b.text).join('\n')).toBe(seedText('001'));
    expect(doc.warnings).toEqual(['按 UTF-16LE 编码读取']);
  });

  it('reproduces seed 003 from GBK and notes the encoding', async () => {
    const doc = await textLoader.load(fixture('003-gbk.txt'), '003-gbk.txt');
    expect(doc.blocks.map((b) => b.text).join('\n')).toBe(seedText('003'));
    // Shown to the user in the ingest log, so in Chinese.
    expect(doc.warnings).toEqual(['按 GB18030 编码读取']);
  });

  it('rejects binary.txt and empty.txt', async () => {
    await expectRejection(() => textLoader.load(fixture('binary.txt'), 'binary.txt'), 'binary');
    await expectRejection(() => textLoader.load(fixture('empty.txt'), 'empty.txt'), 'empty');
  });
});
