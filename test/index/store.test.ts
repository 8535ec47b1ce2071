import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocumentContent, type DocumentContent } from '../../src/ingest/document.js';
import type { Passage } from '../../src/ingest/types.js';
import { normalizeForSearch, segmentWords } from '../../src/index/segment.js';
import { StoreReader, StoreWriter, type VocabularyEntry } from '../../src/index/store.js';
import { mulberry32 } from '../helpers/random.js';
import { seedNames, seedPath } from '../helpers/shared.js';
import { tempDir } from '../ingest/pipelineFixture.js';

const LIMITS = { maxTextChars: 20_000_000, maxPassages: 50_000 };
const dir = tempDir('store');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const seeds = new Map<string, DocumentContent>();
beforeAll(async () => {
  for (const name of seedNames()) seeds.set(name, await readDocumentContent(fs.readFileSync(seedPath(name)), name, LIMITS));
});

function addSeed(store: StoreWriter, name: string, passages?: Passage[]): void {
  const c = seeds.get(name)!;
  store.addDocument({ source: name, title: c.title, shortTitle: c.title, kind: 'document', format: c.format }, passages ?? c.passages);
}

function build(file: string, names: string[]): StoreReader {
  const w = new StoreWriter(file, 'create');
  for (const n of names) addSeed(w, n);
  w.close();
  return new StoreReader(file);
}

/** What the index must agree with: a scan of every passage's normalised text. */
function scanCount(reader: StoreReader, term: string): number {
  const t = normalizeForSearch(term);
  return reader.documents().flatMap((d) => reader.passagesOf(d.source)).filter((p) => normalizeForSearch(p.text).includes(t)).length;
}

/** The vocabulary a store of these passages must hold, counted from scratch. */
function vocabularyOf(passages: readonly { text: string }[]): VocabularyEntry[] {
  const df = new Map<string, number>();
  for (const p of passages) for (const w of new Set(segmentWords(p.text))) df.set(w, (df.get(w) ?? 0) + 1);
  return [...df].map(([word, n]) => ({ word, df: n })).sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
}

describe('documentFrequency', () => {
  let reader: StoreReader;
  beforeAll(() => {
    reader = build(path.join(dir, 'seeds.db'), seedNames());
  });

  it('equals a scan of the normalised texts for words, figures, single characters and punctuation', () => {
    const terms = [
      '义务教育', '教师', '师生比', '生均', '班班通', '优质均衡', '县', '教', '5', '2013年', '1:11.58', '95%', '“双语”',
      '、', '%', '均衡发展,', 'ＸＸＸ', 'xxx', '不存在的词语', '0.50',
    ];
    for (const t of terms) expect(reader.documentFrequency(t), t).toBe(scanCount(reader, t));
  });

  it('equals a scan for 400 random substrings of the passages, across punctuation too', () => {
    const rand = mulberry32(7);
    const texts = reader.documents().flatMap((d) => reader.passagesOf(d.source)).map((p) => normalizeForSearch(p.text));
    for (let i = 0; i < 400; i++) {
      const text = texts[Math.floor(rand() * texts.length)]!;
      const len = 1 + Math.floor(rand() * 6);
      const at = Math.floor(rand() * Math.max(1, text.length - len));
      const term = text.slice(at, at + len);
      expect(reader.documentFrequency(term), JSON.stringify(term)).toBe(scanCount(reader, term));
    }
  });

  it('never joins the end of one run to the start of the next', () => {
    const file = path.join(dir, 'runs.db');
    const w = new StoreWriter(file, 'create');
    const passage = (text: string, ordinal: number): Passage => ({ ordinal, text, sectionPath: [], charStart: 0, charEnd: text.length });
    w.addDocument({ source: 'a.txt', title: 'a', shortTitle: 'a', kind: 'document', format: 'txt' }, [
      passage('学校，校园建设。', 0),
      passage('学校园地', 1),
    ]);
    w.close();
    const r = new StoreReader(file);
    expect(r.documentFrequency('学校园')).toBe(1);
    expect(r.documentFrequency('校，校')).toBe(1);
    expect(r.documentFrequency('校')).toBe(2);
    expect(r.documentFrequency('园')).toBe(2);
    r.close();
  });
});

describe('bigramSearch', () => {
  let reader: StoreReader;
  beforeAll(() => {
    reader = build(path.join(dir, 'search.db'), seedNames());
  });

  it('finds passages by character bigrams, best first', () => {
    const hits = reader.bigramSearch('初中的师生比例', 10);
    expect(hits.length).toBe(10);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    const top = hits.slice(0, 5).map((h) => reader.passage(h.passageId)!.text);
    expect(top.some((t) => t.includes('师生比例为1:11.58'))).toBe(true);
  });

  it('matches a word however jieba would cut it, full-width and upper case folded', () => {
    // "班班通" is cut into 班班/通 or kept whole depending on context; its bigrams are the same either way.
    const hits = reader.bigramSearch('班班通', 5).map((h) => reader.passage(h.passageId)!.text);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((t) => t.includes('班班') || t.includes('班通'))).toBe(true);
    expect(reader.bigramSearch('ＱＱ', 5)).toEqual(reader.bigramSearch('qq', 5));
  });

  it('returns nothing for a query without letters or digits', () => {
    expect(reader.bigramSearch('？！……', 10)).toEqual([]);
  });

  it('the keyword channel searches exactly the words it is given, not their sub-words', () => {
    // Free text is segmented in search mode (工资水平 → 工资, 水平, 工资水平); chosen words are not segmented again.
    const whole = reader.keywordSearchTerms(['工资水平'], 50).map((h) => reader.passage(h.passageId)!.text);
    expect(whole.length).toBeGreaterThan(0);
    expect(whole.every((t) => t.includes('工资水平'))).toBe(true);
    expect(reader.keywordSearch('工资水平', 50).length).toBeGreaterThan(whole.length);
  });
});

describe('vocabulary', () => {
  it('holds the jieba words of the passages with their passage counts', () => {
    const reader = build(path.join(dir, 'vocab.db'), seedNames());
    const all = reader.documents().flatMap((d) => reader.passagesOf(d.source));
    expect(reader.vocabulary()).toEqual(vocabularyOf(all));
    // A word counts where jieba cut it out; the substring may also sit inside other words.
    expect(reader.vocabulary().find((v) => v.word === '义务教育')!.df).toBeLessThanOrEqual(reader.documentFrequency('义务教育'));
    reader.close();
  });

  it('stays exact when an update removes and re-adds documents in a copied store', () => {
    const [a, b, c] = seedNames();
    const first = path.join(dir, 'gen1.db');
    build(first, [a!, b!, c!]).close();
    const second = path.join(dir, 'gen2.db');
    fs.copyFileSync(first, second);
    const w = new StoreWriter(second, 'update');
    w.removeDocument(a!);
    w.removeDocument(b!);
    // b comes back changed: half of its passages.
    const half = seeds.get(b!)!.passages.slice(0, 3);
    addSeed(w, b!, half);
    w.close();
    const updated = new StoreReader(second);
    const fresh = path.join(dir, 'fresh.db');
    const wf = new StoreWriter(fresh, 'create');
    addSeed(wf, c!);
    addSeed(wf, b!, half);
    wf.close();
    const rebuilt = new StoreReader(fresh);
    expect(updated.vocabulary()).toEqual(rebuilt.vocabulary());
    expect(updated.vocabulary().every((v) => v.df > 0)).toBe(true);
    // The bigram table forgot the removed passages too.
    for (const t of ['淘文阁', '师生比例', '义务教育', '北永康', '淘', '县', '1:11.58', '95%']) expect(updated.documentFrequency(t), t).toBe(rebuilt.documentFrequency(t));
    // …and its bm25 totals: the same passages score the same as in a fresh build.
    const ranked = (r: StoreReader) => r.bigramSearch('师生比例', 50).map((h) => `${h.score.toFixed(9)} ${r.passage(h.passageId)!.text}`).sort();
    expect(ranked(updated)).toEqual(ranked(rebuilt));
    updated.close();
    rebuilt.close();
  });
});
