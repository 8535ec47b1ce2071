import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/ingest/loaders/text.js';
import { expectRejection, fixture, seedText } from './helpers.js';

const lf = (s: string) => s.replace(/\r\n?/g, '\n');

describe('decodeText on the fixtures', () => {
  it('decodes GBK without BOM (003-gbk.txt) to exactly seed 003, no mojibake', () => {
    const { text, encoding } = decodeText(fixture('003-gbk.txt'));
    expect(encoding).toBe('GB18030');
    expect(text).not.toContain('\uFFFD');
    expect(lf(text).replace(/\n$/, '')).toBe(seedText('003'));
  });

  it('decodes UTF-16LE with BOM (001-utf16.txt) to seed 001 without the BOM', () => {
    const { text, encoding } = decodeText(fixture('001-utf16.txt'));
    expect(encoding).toBe('UTF-16LE');
    expect(text.startsWith('\uFEFF')).toBe(false);
    expect(lf(text).replace(/\n$/, '')).toBe(seedText('001'));
  });

  it('strips the UTF-8 BOM of 000-crlf-bom.txt', () => {
    const { text } = decodeText(fixture('000-crlf-bom.txt'));
    expect(text).not.toContain('\uFEFF');
    expect(lf(text)).toBe(seedText('000'));
  });

  it('rejects random bytes with NULs (binary.txt) as binary', async () => {
    const error = await expectRejection(() => decodeText(fixture('binary.txt')), 'binary');
    expect(error.userMessage).toContain('二进制');
  });

  it('rejects zero bytes (empty.txt) as empty', async () => {
    const error = await expectRejection(() => decodeText(fixture('empty.txt')), 'empty');
    expect(error.userMessage).toBe('文件是空的');
  });
});

describe('decodeText on constructed input', () => {
  const sample = '第一条　为推进义务教育均衡发展，制定本办法。\n第二条　县级人民政府负责。\n';

  it('decodes UTF-16BE with BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(sample, 'utf-16be')]);
    expect(decodeText(bytes)).toMatchObject({ text: sample, encoding: 'UTF-16BE' });
  });

  it('recognises BOM-less UTF-16 (either byte order) instead of calling it binary', () => {
    expect(decodeText(iconv.encode(sample, 'utf-16le'))).toMatchObject({ text: sample, encoding: 'UTF-16LE' });
    expect(decodeText(iconv.encode(sample, 'utf-16be'))).toMatchObject({ text: sample, encoding: 'UTF-16BE' });
  });

  it('prefers UTF-8 when the bytes are valid UTF-8', () => {
    expect(decodeText(Buffer.from(sample, 'utf8'))).toMatchObject({ text: sample, encoding: 'UTF-8', replaced: 0 });
  });

  it('tolerates one cut-off character at the end of long UTF-8 text instead of mis-decoding as GBK', () => {
    const long = sample.repeat(20);
    const bytes = Buffer.concat([Buffer.from(long, 'utf8'), Buffer.from('县', 'utf8').subarray(0, 2)]);
    const result = decodeText(bytes);
    expect(result.encoding).toBe('UTF-8');
    expect(result.replaced).toBe(1);
    expect(result.text.startsWith(long)).toBe(true);
  });

  it('decodes short GBK text', () => {
    expect(decodeText(iconv.encode(sample, 'gbk'))).toMatchObject({ text: sample, encoding: 'GB18030' });
  });

  it('rejects text full of control characters as binary', async () => {
    const bytes = Buffer.from('abc\x01\x02\x03\x04\x05\x06def\x07\x08'.repeat(10), 'latin1');
    await expectRejection(() => decodeText(bytes), 'binary');
  });

  it('rejects bytes that are neither UTF-8 nor clean GB18030 as binary', async () => {
    const noise = Buffer.from(Array.from({ length: 512 }, (_v, i) => 0x80 + ((i * 97) % 0x7f)));
    await expectRejection(() => decodeText(noise), 'binary');
  });
});
