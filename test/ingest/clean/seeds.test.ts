import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../src/ingest/clean/index.js';
import type { CleanDocument } from '../../../src/ingest/types.js';
import { normalizeForMatch } from '../../../src/ingest/spanMatch.js';
import { devGoldSpans, pdfLikeDocument, seedDocument, seedText } from '../../helpers/documents.js';
import { JUNK_MARKERS } from '../../helpers/junk.js';
import { seedName, seedNames } from '../../helpers/shared.js';


const cleaned = new Map<string, CleanDocument>(seedNames().map((n) => [n, cleanDocument(seedDocument(n), n)]));
const cleanText = (name: string): string => (cleaned.get(name)?.blocks ?? []).map((b) => b.text).join('\n');

describe('cleaning the real seeds', () => {
  it('finds all five seeds', () => {
    expect(seedNames()).toHaveLength(5);
  });

  it.each(seedNames())('%s: no scrape junk, only clean blocks', (name) => {
    const text = cleanText(name);
    for (const junk of JUNK_MARKERS) expect(text, junk).not.toContain(junk);
    for (const b of cleaned.get(name)?.blocks ?? []) {
      expect(['heading', 'paragraph', 'table-row']).toContain(b.kind);
      expect(b.text.trim()).toBe(b.text);
      expect(b.text).not.toBe('');
    }
  });

  it('000: joins the scraped pages without their "N、" markers', () => {
    const text = cleanText(seedName('000'));
    expect(text).toContain('差距,最大限度');
    expect(text).not.toMatch(/差\n?\d+、距/);
    expect(cleaned.get(seedName('000'))?.title).toBe('2023年义务教育均衡发展工作实施方案五篇');
  });

  it('001: keeps the text before a paywall note without the clause the site cut short, marks the cut, and takes the title from "标题:"', () => {
    const clean = cleaned.get(seedName('001'));
    expect(clean?.title).toBe('推进县域义务教育优质均衡发展工作方案');
    expect(cleanText(seedName('001'))).toMatch(/社会满意度不断提高,……$/m);
    expect(cleanText(seedName('001'))).not.toContain('社会认可度达到8');
    expect(cleanText(seedName('001'))).toMatch(/推进现代学校制度建设。……$/m);
  });

  it('002: drops the site intro line', () => {
    expect(cleanText(seedName('002'))).not.toContain('本站小编');
  });

  it('003: takes the title from the file-name line and drops the download-page chrome', () => {
    expect(cleaned.get(seedName('003'))?.title).toBe('小学义务教育均衡发展整改工作实施方案');
    expect(cleanText(seedName('003'))).not.toMatch(/\.docx|本文档共|查看更多|实名认证/);
  });

  it('004: keeps the real numbered items and the 第X篇 parts', () => {
    const blocks = cleaned.get(seedName('004'))?.blocks ?? [];
    expect(blocks.filter((b) => /^第[一二三四五]篇/.test(b.text))).toHaveLength(5);
    expect(blocks.some((b) => b.text.startsWith('1、以课程改革为中心'))).toBe(true);
    // A stray page number "4" at a line end went; the broken sentence is whole again.
    expect(cleanText(seedName('004'))).toContain('确保资源合理利用');
  });

  it('keeps every seed line that is not junk (whitespace and joins aside)', () => {
    for (const name of seedNames()) {
      const text = normalizeForMatch(cleanText(name));
      const lines = seedText(name).split('\n').map(normalizeForMatch);
      // Long body lines must survive whole; a paywall-cut line keeps its head.
      const body = lines.filter((l) => l.length > 80 && !JUNK_MARKERS.some((j) => l.includes(j)) && !/本站|侵权|本文档/.test(l));
      for (const line of body) expect(text, `${name}: ${line.slice(0, 20)}`).toContain(line.replace(/^\d+、/, '').slice(0, 60));
    }
  });

  it('every dev gold span is in the cleaned text of its document', () => {
    const spans = devGoldSpans();
    expect(spans.length).toBeGreaterThan(0);
    for (const { doc, span } of spans) {
      expect(normalizeForMatch(cleanText(doc)), `${doc}: ${span}`).toContain(normalizeForMatch(span));
    }
  });
});

describe('a PDF-like layout of seed 002 (narrow column, "- N -" footers)', () => {
  const name = seedName('002');
  const paragraphs = seedText(name).split('\n').filter((l) => l.trim() !== '');
  const doc = pdfLikeDocument(paragraphs, { width: 22, indent: 2, linesPerPage: 40, footer: (n) => `- ${n} -` });
  const clean = cleanDocument(doc, '002-report.pdf');

  it('is mostly lines broken mid-sentence', () => {
    const broken = doc.blocks.filter((b) => !/[。！？；：]$/.test(b.text)).length;
    expect(broken / doc.blocks.length).toBeGreaterThan(0.8);
  });

  it('recovers every seed paragraph after the boilerplate line', () => {
    const text = normalizeForMatch(clean.blocks.map((b) => b.text).join('\n'));
    for (const p of paragraphs.slice(1)) expect(text).toContain(normalizeForMatch(p));
    expect(text).not.toContain('本站小编');
  });

  it('never glues two seed paragraphs together', () => {
    const seedParagraphs = paragraphs.map(normalizeForMatch);
    for (const b of clean.blocks) {
      const t = normalizeForMatch(b.text);
      expect(seedParagraphs.some((p) => p.includes(t)), t.slice(0, 30)).toBe(true);
    }
  });

  it('drops the page-number footers and carries pages', () => {
    expect(clean.blocks.some((b) => /^-\s*\d+\s*-$/.test(b.text))).toBe(false);
    expect(clean.blocks.every((b) => b.page !== undefined)).toBe(true);
  });
});
