import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngestBusyError } from '../../src/errors.js';
import { NothingIndexedError, runIngest } from '../../src/ingest/pipeline.js';
import { currentGeneration } from '../../src/index/generations.js';
import { PassageIndex } from '../../src/index/reader.js';
import { CountingEmbeddings, corpusOfSeeds, fixturesDir, SEEDS, seedsDir, tempDir, tempDirsOfThisFile } from './pipelineFixture.js';

const MAX = 100 * 1024 * 1024;
const { temp, track } = tempDirsOfThisFile();

describe('ingest of the five seeds', () => {
  const indexDir = temp('index');
  const embedder = new CountingEmbeddings();
  let index: PassageIndex;

  it('indexes all five files with passages and a manifest', async () => {
    const s = await runIngest({ dirs: [seedsDir], indexDir, embedder, maxFileBytes: MAX });
    expect(s.indexed).toBe(5);
    expect(s.rejected).toBe(0);
    index = PassageIndex.open(indexDir, embedder);
    const docs = index.documents();
    expect(docs.map((d) => d.source)).toEqual(SEEDS);
    for (const d of docs) expect(d.passageCount).toBeGreaterThan(3);
    expect(index.manifest.embedder).toEqual(embedder.identity);
    expect(index.manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.contentHash))).toBe(true);
    expect(embedder.embedded).toBe(s.passages);
  });

  it('finds a figure by keyword and by vector search', async () => {
    const kw = index.keywordSearch('初中师生比', 10).map((h) => index.passage(h.passageId)!);
    expect(kw.some((p) => p.source.startsWith('000') && p.text.includes('11.58'))).toBe(true);
    const vec = (await index.vectorSearch('为中小学配置班班通设备', 5)).map((h) => index.passage(h.passageId)!);
    expect(vec.some((p) => p.text.includes('1448'))).toBe(true);
  });

  it("stores each document's short title from its own text, and its kind", () => {
    const short = Object.fromEntries(index.documents().map((d) => [d.source.slice(0, 3), d.shortTitle]));
    expect(short).toEqual({
      '000': '2023年义务教育均衡发展工作实施方案五篇',
      '001': '推进县域义务教育优质均衡发展工作方案',
      '002': '义务教育均衡发展工作总结报告',
      '003': '小学义务教育均衡发展整改工作实施方案',
      '004': '义务教育均衡发展规划（五篇）',
    });
    // The title itself is unchanged (still the file name where the text states none).
    expect(index.documents().find((d) => d.source.startsWith('004'))?.title).toBe(SEEDS[4]!.replace(/\.txt$/, ''));
    expect(index.documents().every((d) => d.kind === 'document')).toBe(true);
    const p = index.passagesOf(SEEDS[4]!)[0]!;
    expect(p).toMatchObject({ shortTitle: '义务教育均衡发展规划（五篇）', kind: 'document' });
    expect(index.passage(p.id)).toEqual(p);
  });

  it('answers the bigram channel, substring counts and the vocabulary', () => {
    const hits = index.bigramSearch('师生比例', 5).map((h) => index.passage(h.passageId)!);
    expect(hits.some((p) => p.text.includes('师生比例'))).toBe(true);
    const all = index.documents().flatMap((d) => index.passagesOf(d.source));
    expect(index.documentFrequency('师生比例')).toBe(all.filter((p) => p.text.includes('师生比例')).length);
    const vocabulary = index.vocabulary();
    expect(vocabulary.find((v) => v.word === '教师')?.df).toBeGreaterThan(10);
    expect(vocabulary.every((v) => v.df >= 1 && v.df <= all.length)).toBe(true);
  });

  it('keeps scrape advertising out of every passage', () => {
    for (const d of index.documents()) {
      for (const p of index.passagesOf(d.source)) {
        expect(p.text).not.toMatch(/淘文阁|快文网|原创力|book118|QQ|400-050|!\[|\]\(/);
      }
    }
  });
});

describe('incremental re-ingest', () => {
  const corpus = corpusOfSeeds(SEEDS.slice(0, 3));
  track(corpus);
  const indexDir = temp('index');

  it('neither re-reads nor re-embeds unchanged files, and notices changes and removals', async () => {
    const embedder = new CountingEmbeddings();
    const first = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(first.indexed).toBe(3);
    const embeddedOnce = embedder.embedded;

    const again = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(again.unchanged).toBe(3);
    expect(again.indexed).toBe(0);
    expect(again.generation).toBe(first.generation);
    expect(again.textChars).toBe(0);
    expect(again.passages).toBe(first.passages);
    expect(embedder.embedded).toBe(embeddedOnce);

    // Touched but identical content: read to hash it, but not re-embedded.
    const touched = path.join(corpus, SEEDS[0]!);
    fs.utimesSync(touched, new Date(), new Date(Date.now() + 5000));
    const afterTouch = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(afterTouch.unchanged).toBe(3);
    expect(embedder.embedded).toBe(embeddedOnce);

    // A changed file is re-indexed; the others are copied.
    fs.appendFileSync(path.join(corpus, SEEDS[1]!), '\n六、附则\n本方案自印发之日起施行，由县教育局负责解释。\n');
    const changed = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(changed.indexed).toBe(1);
    expect(changed.unchanged).toBe(2);
    const idx = PassageIndex.open(indexDir, embedder);
    expect(idx.passagesOf(SEEDS[1]!).some((p) => p.text.includes('由县教育局负责解释'))).toBe(true);
    // Reused vectors still find their passages.
    const hits = await idx.vectorSearch(idx.passagesOf(SEEDS[0]!)[2]!.text, 1);
    expect(idx.passage(hits[0]!.passageId)!.source).toBe(SEEDS[0]);
    // The replaced file's old vectors are gone: every vector hit is a live passage, and there are exactly as many.
    const all = await idx.vectorSearch('义务教育均衡发展', idx.passageCount());
    expect(all).toHaveLength(changed.passages);
    expect(all.every((h) => idx.passage(h.passageId) !== undefined)).toBe(true);
    idx.close();

    fs.rmSync(path.join(corpus, SEEDS[2]!));
    const removed = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    const after = PassageIndex.open(indexDir, embedder);
    expect(after.documents().map((d) => d.source)).toEqual([SEEDS[0], SEEDS[1]]);
    expect(after.passageCount()).toBe(removed.passages);
    // The copied generation, with a file changed and one removed, holds what a fresh build holds.
    const freshDir = temp('index');
    await runIngest({ dirs: [corpus], indexDir: freshDir, embedder, maxFileBytes: MAX });
    const fresh = PassageIndex.open(freshDir, embedder);
    expect(after.vocabulary()).toEqual(fresh.vocabulary());
    for (const t of ['由县教育局负责解释', '义务教育', '师生比例', '班班通']) expect(after.documentFrequency(t), t).toBe(fresh.documentFrequency(t));
    const ranked = (i: PassageIndex) =>
      i.bigramSearch('由县教育局负责解释', 3).map((h) => `${h.score.toFixed(9)} ${i.passage(h.passageId)!.text}`).sort();
    expect(ranked(after)).toEqual(ranked(fresh));
    fresh.close();
    after.close();
  });

  it('keeps the old index readable while and after a new one is built', async () => {
    const embedder = new CountingEmbeddings();
    const old = PassageIndex.open(indexDir, embedder);
    const oldGen = old.generation;
    fs.copyFileSync(path.join(seedsDir, SEEDS[4]!), path.join(corpus, SEEDS[4]!));
    await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(currentGeneration(indexDir)).not.toBe(oldGen);
    // The reader opened before the switch still answers from its generation.
    expect(old.keywordSearch('均衡发展', 3).length).toBeGreaterThan(0);
    expect(old.documents().some((d) => d.source === SEEDS[4])).toBe(false);
    old.close();
  });

  it('refuses a second ingest while one is running', async () => {
    const embedder = new CountingEmbeddings();
    // A changed file makes the first ingest yield while it loads, so the second one meets its lock.
    fs.appendFileSync(path.join(corpus, SEEDS[0]!), '\n七、其他\n各校要按本方案抓好落实。\n');
    const running = runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    await expect(runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX })).rejects.toThrow(IngestBusyError);
    await running;
  });

  it('keeps the old index when nothing in the folder can be indexed', async () => {
    const embedder = new CountingEmbeddings();
    const before = currentGeneration(indexDir);
    const junk = temp('junk');
    fs.writeFileSync(path.join(junk, 'empty.txt'), '');
    await expect(runIngest({ dirs: [junk], indexDir, embedder, maxFileBytes: MAX })).rejects.toThrow(NothingIndexedError);
    expect(currentGeneration(indexDir)).toBe(before);
    expect(fs.readdirSync(path.join(indexDir, 'generations')).some((n) => n.endsWith('.partial'))).toBe(false);
  });

  it('rejects files over the size limit with the limit in the message', async () => {
    const embedder = new CountingEmbeddings();
    const s = await runIngest({ dirs: [corpus], indexDir: temp('index'), embedder, maxFileBytes: 10_000 });
    const big = s.outcomes.filter((o) => o.status === 'rejected');
    expect(big.length).toBeGreaterThan(0);
    for (const o of big) expect(o.status === 'rejected' && o.code === 'too-large' && /文件太大/.test(o.message)).toBe(true);
    expect(s.indexed).toBeGreaterThan(0);
  });
});

describe('ingest of the shared fixtures', () => {
  const indexDir = temp('index');
  const embedder = new CountingEmbeddings();

  /** What the fixtures README expects for each file: indexed, or rejected with this code. */
  const expected: Record<string, 'indexed' | string> = {
    '000-crlf-bom.txt': 'indexed',
    '001-utf16.txt': 'indexed',
    '002-notes.md': 'indexed',
    '002-report.pdf': 'indexed',
    '003-gbk.txt': 'indexed',
    '004-plan.docx': 'indexed',
    '004-plan.pdf': 'indexed',
    'README.md': 'indexed',
    'renamed.docx': 'indexed',
    'standards-table.docx': 'indexed',
    'standards-table.pdf': 'indexed',
    'binary.txt': 'binary',
    'corrupt.docx': 'corrupt',
    'corrupt.pdf': 'corrupt',
    'empty.pdf': 'no-text',
    'empty.txt': 'empty',
    'encrypted.pdf': 'encrypted',
    'legacy.doc': 'legacy-doc',
    'scanned.pdf': 'scanned',
    'schools-bad.csv': 'unsupported',
    'schools-county.csv': 'unsupported',
    'schools-county.xlsx': 'unsupported',
    'schools-expected.json': 'unsupported',
  };

  it('indexes every good fixture and rejects every bad one with its reason, in Chinese', async () => {
    const s = await runIngest({ dirs: [fixturesDir], indexDir, embedder, maxFileBytes: MAX });
    const got = Object.fromEntries(s.outcomes.map((o) => [o.source, o.status === 'rejected' ? o.code : o.status]));
    expect(got).toEqual(expected);
    for (const o of s.outcomes) {
      if (o.status === 'rejected') expect(o.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('keeps PDF running headers, footers and page numbers out of passages, and cites pages', () => {
    const index = PassageIndex.open(indexDir, embedder);
    const plan = index.passagesOf('004-plan.pdf');
    expect(plan.length).toBeGreaterThan(20);
    for (const p of plan) {
      expect(p.text).not.toContain('内部学习资料');
      expect(p.text).not.toMatch(/第\s*\d+\s*页\s*共\s*17\s*页/);
      expect(p.page).toBeGreaterThanOrEqual(1);
      expect(p.pageEnd ?? p.page).toBeLessThanOrEqual(17);
    }
    expect(new Set(plan.map((p) => p.page)).size).toBeGreaterThan(10);
    for (const p of index.passagesOf('002-report.pdf')) expect(p.text).not.toMatch(/-\s*\d+\s*-/);
    index.close();
  });

  it('keeps each standards table row together with its numbers', () => {
    const index = PassageIndex.open(indexDir, embedder);
    for (const source of ['standards-table.docx', 'standards-table.pdf']) {
      const text = index.passagesOf(source).map((p) => p.text).join('\n');
      const row = text.split('\n').find((l) => l.includes('生均体育运动场馆面积'));
      expect(row, source).toBeDefined();
      expect(row).toMatch(/7\.5/);
      expect(row).toMatch(/10\.2/);
    }
    index.close();
  });

  it('decodes GBK and UTF-16 text without mojibake', () => {
    const index = PassageIndex.open(indexDir, embedder);
    for (const source of ['003-gbk.txt', '001-utf16.txt', '000-crlf-bom.txt']) {
      const passages = index.passagesOf(source);
      expect(passages.length).toBeGreaterThan(0);
      for (const p of passages) expect(p.text).not.toMatch(/[\ufffd\ufeff\r]/);
    }
    index.close();
  });
});
