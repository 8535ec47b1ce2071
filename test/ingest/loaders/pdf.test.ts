import { describe, expect, it } from 'vitest';
import { cleanTitle, pdfLoader, rawBytesShowImage } from '../../../src/ingest/loaders/pdf.js';
import { expectRejection, fixture } from './helpers.js';

describe('pdfLoader on documents with a text layer', () => {
  it('reads 004-plan.pdf as 17 pages with lines on every page, in page order', async () => {
    const doc = await pdfLoader.load(fixture('004-plan.pdf'), '004-plan.pdf');
    expect(doc.pageCount).toBe(17);
    expect(doc.blocks.every((b) => b.kind === 'line' && b.text.trim() !== '')).toBe(true);
    const pages = doc.blocks.map((b) => b.page ?? 0);
    expect(new Set(pages)).toEqual(new Set(Array.from({ length: 17 }, (_v, i) => i + 1)));
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
    expect(doc.blocks.some((b) => b.page === 1 && b.text.startsWith('第一篇'))).toBe(true);
  });

  it('keeps running headers and footers for the cleaner to remove across pages', async () => {
    const doc = await pdfLoader.load(fixture('004-plan.pdf'), '004-plan.pdf');
    const footers = doc.blocks.filter((b) => /^第 \d+ 页 共 17 页$/.test(b.text));
    expect(footers).toHaveLength(17);
  });

  it('keeps each table row of standards-table.pdf on one line with both values', async () => {
    const doc = await pdfLoader.load(fixture('standards-table.pdf'), 'standards-table.pdf');
    expect(doc.pageCount).toBe(1);
    const row = doc.blocks.find((b) => b.text.includes('生均体育运动场馆面积'));
    expect(row?.text).toContain('7.5');
    expect(row?.text).toContain('10.2');
    expect(row?.page).toBe(1);
  });

  it('reads the narrow-column 002-report.pdf as 10 pages of short lines', async () => {
    const doc = await pdfLoader.load(fixture('002-report.pdf'), '002-report.pdf');
    expect(doc.pageCount).toBe(10);
    expect(new Set(doc.blocks.map((b) => b.page)).size).toBe(10);
    expect(doc.blocks.length).toBeGreaterThan(400);
  });

  it('leaves the title undefined when the PDF metadata has none', async () => {
    const doc = await pdfLoader.load(fixture('standards-table.pdf'), 'standards-table.pdf');
    expect(doc.title).toBeUndefined();
  });
});

describe('pdfLoader rejections', () => {
  it('rejects the truncated corrupt.pdf as corrupt', async () => {
    const error = await expectRejection(() => pdfLoader.load(fixture('corrupt.pdf'), 'corrupt.pdf'), 'corrupt');
    expect(error.userMessage).toContain('损坏');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects the password-protected encrypted.pdf as encrypted', async () => {
    const error = await expectRejection(() => pdfLoader.load(fixture('encrypted.pdf'), 'encrypted.pdf'), 'encrypted');
    expect(error.userMessage).toContain('密码');
  });

  it('rejects the image-only scanned.pdf as scanned (OCR needed)', async () => {
    const error = await expectRejection(() => pdfLoader.load(fixture('scanned.pdf'), 'scanned.pdf'), 'scanned');
    expect(error.userMessage).toContain('OCR');
  });

  it('rejects the blank empty.pdf as no-text, not as scanned', async () => {
    const error = await expectRejection(() => pdfLoader.load(fixture('empty.pdf'), 'empty.pdf'), 'no-text');
    expect(error.userMessage).toBe('文件里没有可提取的文字');
  });
});

describe('cleanTitle', () => {
  it('drops producer placeholders and keeps real titles', () => {
    expect(cleanTitle('Untitled')).toBeUndefined();
    expect(cleanTitle('  ')).toBeUndefined();
    expect(cleanTitle('无标题')).toBeUndefined();
    expect(cleanTitle('Microsoft Word - 关于推进县域义务教育优质均衡发展的通知.doc')).toBe('关于推进县域义务教育优质均衡发展的通知');
    expect(cleanTitle('县域义务教育优质均衡发展督导评估办法')).toBe('县域义务教育优质均衡发展督导评估办法');
  });
});

describe('rawBytesShowImage (fallback image check)', () => {
  it('sees the image XObject in scanned.pdf and none in empty.pdf or 004-plan.pdf', () => {
    expect(rawBytesShowImage(fixture('scanned.pdf'))).toBe(true);
    expect(rawBytesShowImage(fixture('empty.pdf'))).toBe(false);
    expect(rawBytesShowImage(fixture('004-plan.pdf'))).toBe(false);
  });
});
