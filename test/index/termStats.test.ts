import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { PassageIndex } from '../../src/index/reader.js';
import { normalizeForSearch } from '../../src/index/segment.js';
import { TermStats } from '../../src/index/termStats.js';
import { seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const indexDir = tempDir('termstats');
const embedder = new LocalHashEmbeddings();
let index: PassageIndex;
let stats: TermStats;

beforeAll(async () => {
  await runIngest({ dirs: [seedsDir], indexDir, embedder, maxFileBytes: 100 * 1024 * 1024 });
  index = PassageIndex.open(indexDir, embedder);
  stats = new TermStats(index);
});
afterAll(() => {
  index.close();
  fs.rmSync(indexDir, { recursive: true, force: true });
});

describe('TermStats', () => {
  it("counts a term's passages from the index exactly as a scan of the normalised texts would", () => {
    const ids = index.documents().flatMap((d) => index.passagesOf(d.source)).map((p) => p.id);
    const texts = ids.map((id) => normalizeForSearch(index.passage(id)!.text));
    for (const term of ['教师', '师生比例', '1:11.58', '班班通', '县', '%', 'xxx', '从未出现的说法']) {
      expect(stats.df(term), term).toBe(texts.filter((t) => t.includes(term)).length);
    }
    expect(stats.passageCount).toBe(ids.length);
  });

  it('holds each document\'s passage texts in document order, from memory', () => {
    for (const d of index.documents()) {
      expect(stats.textsOf(d.source)).toEqual(index.passagesOf(d.source).map((p) => normalizeForSearch(p.text)));
    }
    expect(stats.textsOf('no-such-file.txt')).toEqual([]);
  });

  it('counts a heading word once for every passage under it, where the passages\' text never repeats it', () => {
    const doc = index.documents().find((d) => d.title.includes('整改工作实施方案'))!;
    const under = index.passagesOf(doc.source).length;
    const heading = new Map(stats.headingVocabulary().map((e) => [e.word, e.df]));
    expect(heading.get('整改')).toBeGreaterThanOrEqual(under);
    expect(stats.df('整改')).toBeLessThan(under);
  });

  it('a passage that opens with its document\'s title is matched without it: the title names the document, not the topic', () => {
    const doc = index.documents().find((d) => d.title.includes('整改工作实施方案'))!;
    const first = index.passagesOf(doc.source)[0]!;
    const title = normalizeForSearch(doc.title);
    expect(normalizeForSearch(first.text).startsWith(title)).toBe(true);
    expect(stats.passage(first.id)!.text.startsWith(title)).toBe(false);
    expect(stats.passage(first.id)!.heading).toContain(title);
  });

  it('weighs a term no passage contains highest, and a common one low', () => {
    const n = stats.passageCount;
    expect(stats.idf('从未出现的说法')).toBeCloseTo(Math.log(1 + (n + 0.5) / 0.5));
    expect(stats.idf('教育')).toBeLessThan(stats.idf('班班通'));
  });
});
