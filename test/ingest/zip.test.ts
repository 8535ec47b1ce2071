import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../src/errors.js';
import { docxLoader } from '../../src/ingest/loaders/index.js';
import { checkZipContainer } from '../../src/ingest/zip.js';
import { writeDocxBomb, writeZeroBomb, writeZip } from './generate.js';
import { fixturesDir, tempDir } from './pipelineFixture.js';

const dir = tempDir('zip');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const MB = 1024 * 1024;

async function rejection(action: () => Promise<unknown>): Promise<FileRejectedError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileRejectedError);
  return error as FileRejectedError;
}

describe('zip central directory check', () => {
  it('reads the declared sizes of a real DOCX and of the county XLSX without complaint', async () => {
    const entries = await checkZipContainer(fs.readFileSync(path.join(fixturesDir, '004-plan.docx')), '004-plan.docx');
    const doc = entries.find((e) => e.name === 'word/document.xml');
    expect(doc?.uncompressedSize).toBe(82151); // as `unzip -l` lists it
    expect(entries).toHaveLength(18);
    const xlsx = await checkZipContainer(fs.readFileSync(path.join(fixturesDir, 'schools-county.xlsx')), 'schools-county.xlsx');
    expect(xlsx.reduce((n, e) => n + e.uncompressedSize, 0)).toBe(22402);
  });

  it('rejects a DOCX with 150 MB of document XML from its declared size, before inflating it', async () => {
    const file = path.join(dir, 'xml-bomb.docx');
    await writeDocxBomb(file, 150 * MB);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeLessThan(5 * MB);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const e = await rejection(() => docxLoader.load(bytes, 'xml-bomb.docx'));
    expect(e.code).toBe('too-large');
    expect(e.userMessage).toMatch(/^DOCX 文件解压后过大（文档内容约 150\.\d MB，上限 20 MB），无法读取$/);
    // Nothing was inflated: no time, no memory.
    expect(performance.now() - started).toBeLessThan(500);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * MB);
  });

  it('rejects a 1 MB zip that declares 1 GB (a classic zip bomb) from the central directory', async () => {
    const file = path.join(dir, 'zero-bomb.docx');
    await writeZeroBomb(file, 1024 * MB);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeLessThan(3 * MB);
    const e = await rejection(() => docxLoader.load(bytes, 'zero-bomb.docx'));
    expect(e.code).toBe('too-large');
    expect(e.userMessage).toMatch(/^DOCX 文件解压后过大（约 1024\.\d MB，上限 300 MB），无法读取$/);
  });

  it('rejects an entry whose declared size lies, after inflating at most the declared bytes', async () => {
    const file = path.join(dir, 'lying.docx');
    await writeDocxBomb(file, 150 * MB, 4096);
    const rssBefore = process.memoryUsage().rss;
    const e = await rejection(() => docxLoader.load(fs.readFileSync(file), 'lying.docx'));
    expect(e.code).toBe('corrupt');
    expect(e.userMessage).toBe('DOCX 文件结构异常（压缩包里的内容比记录的大小更大），无法读取');
    expect(e.message).toContain('word/document.xml inflates to more than its declared 4096 bytes');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * MB);
  });

  it('rejects a container with more entries than any document has', async () => {
    const file = path.join(dir, 'many.zip');
    await writeZip(file, Array.from({ length: 10_001 }, (_, i) => ({ name: `word/p${i}.bin`, chunks: () => ['x'] })));
    const e = await rejection(() => checkZipContainer(fs.readFileSync(file), 'many.zip', { subject: '「many.zip」' }));
    expect(e.code).toBe('too-large');
    expect(e.userMessage).toBe('「many.zip」文件结构异常（压缩包里有 10001 个文件，上限 10000 个），无法读取');
  });

  it('says a truncated zip is damaged, in the words of the DOCX loader', async () => {
    const e = await rejection(() => checkZipContainer(fs.readFileSync(path.join(fixturesDir, 'corrupt.docx')), 'corrupt.docx', { subject: 'DOCX ' }));
    expect(e.code).toBe('corrupt');
    expect(e.userMessage).toBe('DOCX 文件已损坏（不是完整的 zip 压缩包），无法读取');
  });

  it('reads zip64 records (sizes and offsets only in the zip64 extra field), which mammoth reads too', async () => {
    const file = path.join(dir, 'zip64.docx');
    await writeDocxBomb(file, 50_000, undefined, { zip64: true });
    const entries = await checkZipContainer(fs.readFileSync(file), 'zip64.docx');
    expect(entries.map((e) => e.name)).toEqual(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
    expect(entries[2]!.uncompressedSize).toBeGreaterThan(50_000);
    const doc = await docxLoader.load(fs.readFileSync(file), 'zip64.docx');
    expect(doc.blocks.length).toBe(2000);
    // And a zip64 bomb is caught the same way.
    await writeDocxBomb(file, 150 * MB, undefined, { zip64: true });
    expect((await rejection(() => docxLoader.load(fs.readFileSync(file), 'zip64.docx'))).code).toBe('too-large');
  });

  it('lets a small generated DOCX through to mammoth', async () => {
    const file = path.join(dir, 'small.docx');
    await writeDocxBomb(file, 50_000);
    const doc = await docxLoader.load(fs.readFileSync(file), 'small.docx');
    expect(doc.blocks[0]?.text).toMatch(/^第1条 各县要按照义务教育均衡发展的要求/);
  });
});
