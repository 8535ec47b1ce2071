import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../src/cli/ingestReport.js';
import { runIngest, type FileOutcome, type IngestEvent } from '../../src/ingest/pipeline.js';
import { PassageIndex } from '../../src/index/reader.js';
import { CountingEmbeddings, corpusOfSeeds, SEEDS, tempDir, tempDirsOfThisFile } from './pipelineFixture.js';

/** One file's problem is that file's rejection: the others are indexed and the run completes. */
const MAX = 100 * 1024 * 1024;
const { temp, track } = tempDirsOfThisFile();
function corpus(names: string[]): string {
  const d = corpusOfSeeds(names);
  track(d);
  return d;
}
const byName = (outcomes: FileOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.source, o]));

describe('files that change under the ingest', () => {
  it('rejects a file deleted between the scan and its read as 文件在读取时被删除了, and indexes the rest', async () => {
    const dir = corpus(SEEDS.slice(0, 3));
    const indexDir = temp('index');
    const victim = SEEDS[1]!;
    const s = await runIngest({
      dirs: [dir],
      indexDir,
      embedder: new CountingEmbeddings(),
      maxFileBytes: MAX,
      // 'start' comes after the scan and before the first read.
      onEvent: (e: IngestEvent) => e.type === 'start' && fs.rmSync(path.join(dir, victim)),
    });
    const got = byName(s.outcomes);
    expect(got[victim]).toMatchObject({ status: 'rejected', code: 'vanished', message: '文件在读取时被删除了' });
    expect(s.indexed).toBe(2);
    const index = PassageIndex.open(indexDir, new CountingEmbeddings());
    expect(index.documents().map((d) => d.source)).toEqual([SEEDS[0], SEEDS[2]]);
    // The file is gone from the corpus, so it is not in the manifest either: the next run has nothing to do.
    expect(index.manifest.files.map((f) => f.source)).toEqual([SEEDS[0], SEEDS[2]]);
    index.close();
    const again = await runIngest({ dirs: [dir], indexDir, embedder: new CountingEmbeddings(), maxFileBytes: MAX });
    expect(again.generation).toBe(s.generation);
  });

  it('rejects a file replaced by a folder between the scan and its read as 不是普通文件', async () => {
    const dir = corpus(SEEDS.slice(0, 2));
    const victim = SEEDS[0]!;
    const s = await runIngest({
      dirs: [dir],
      indexDir: temp('index'),
      embedder: new CountingEmbeddings(),
      maxFileBytes: MAX,
      onEvent: (e) => {
        if (e.type !== 'start') return;
        fs.rmSync(path.join(dir, victim));
        fs.mkdirSync(path.join(dir, victim));
      },
    });
    expect(byName(s.outcomes)[victim]).toMatchObject({ status: 'rejected', code: 'not-regular', message: expect.stringMatching(/^不是普通文件/) });
    expect(s.indexed).toBe(1);
  });
});

describe('the size limit, from stat before any read', () => {
  it('rejects a 2.2 GB sparse file as too large without reading it, and indexes the rest', async () => {
    const dir = corpus(SEEDS.slice(0, 2));
    const sparse = path.join(dir, 'huge.txt');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, 2.2e9);
    const started = performance.now();
    const s = await runIngest({ dirs: [dir], indexDir: temp('index'), embedder: new CountingEmbeddings(), maxFileBytes: MAX });
    expect(byName(s.outcomes)['huge.txt']).toMatchObject({ status: 'rejected', code: 'too-large', message: '文件太大（超过 100 MB），请拆分后再放入' });
    expect(s.indexed).toBe(2);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('rejects it as too large even when the limit is above what Node can read at once (ERR_FS_FILE_TOO_LARGE)', async () => {
    const dir = corpus(SEEDS.slice(0, 1));
    const sparse = path.join(dir, 'huge.txt');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, 2.2e9);
    const limit = 3 * 1024 * 1024 * 1024;
    const s = await runIngest({ dirs: [dir], indexDir: temp('index'), embedder: new CountingEmbeddings(), maxFileBytes: limit });
    const huge = byName(s.outcomes)['huge.txt'];
    expect(huge).toMatchObject({ status: 'rejected', code: 'too-large', message: '文件太大（超过 3072 MB），请拆分后再放入' });
    expect(huge?.status === 'rejected' && huge.technical).toMatch(/2 GiB|File size|too large/i);
    expect(s.indexed).toBe(1);
  });

  it('re-checks a too-large file against the current limit instead of keeping the old rejection', async () => {
    const dir = corpus(SEEDS.slice(0, 2));
    const indexDir = temp('index');
    const embedder = new CountingEmbeddings();
    const first = await runIngest({ dirs: [dir], indexDir, embedder, maxFileBytes: 10_000 });
    expect(first.rejected).toBeGreaterThan(0);
    fs.appendFileSync(path.join(dir, SEEDS[1]!), '\n七、其他\n各校要按本方案抓好落实。\n'); // something changed, so the run is not skipped
    const second = await runIngest({ dirs: [dir], indexDir, embedder, maxFileBytes: MAX });
    expect(second.rejected).toBe(0);
    expect(second.indexed).toBe(2);
  });
});

describe('per-file caps on text and passages', () => {
  it('rejects a file over the text cap with its size in 万字 and the cap, and indexes the rest', async () => {
    const dir = corpus(SEEDS.slice(0, 3));
    const sizes = SEEDS.slice(0, 3).map((n) => fs.readFileSync(path.join(dir, n), 'utf8').length);
    const cap = Math.min(...sizes) + 10; // the smallest seed passes, the larger ones do not
    const s = await runIngest({ dirs: [dir], indexDir: temp('index'), embedder: new CountingEmbeddings(), maxFileBytes: MAX, limits: { maxTextChars: cap } });
    const rejected = s.outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.length).toBe(2);
    for (const o of rejected) {
      expect(o).toMatchObject({ code: 'too-much-text', message: expect.stringMatching(new RegExp(`^文件内容过多（约 \\d+ (万)?字，上限 ${cap} 字），请拆分后再放入$`)) });
    }
    expect(s.indexed).toBe(1);
  });

  it('rejects a file with more passages than the cap', async () => {
    const dir = corpus(SEEDS.slice(3, 5));
    const s = await runIngest({ dirs: [dir], indexDir: temp('index'), embedder: new CountingEmbeddings(), maxFileBytes: MAX, limits: { maxPassages: 10 } });
    const got = byName(s.outcomes);
    expect(got[SEEDS[4]!]).toMatchObject({ status: 'rejected', code: 'too-much-text', message: expect.stringMatching(/^文件内容过多（约 \d+ 段，上限 10 段），请拆分后再放入$/) });
    expect(got[SEEDS[3]!]?.status).toBe('indexed');
  });
});

describe('entries the scan leaves out', () => {
  it('counts and lists hidden files, hidden folders and links in the summary', async () => {
    const dir = corpus(SEEDS.slice(0, 1));
    fs.writeFileSync(path.join(dir, '.draft.md'), '# 草稿\n\n内容。\n');
    fs.mkdirSync(path.join(dir, '.history'));
    fs.writeFileSync(path.join(dir, '.history', 'old.txt'), '旧文件。');
    fs.symlinkSync(path.join(dir, SEEDS[0]!), path.join(dir, 'link.txt'));
    const indexDir = temp('index');
    const s = await runIngest({ dirs: [dir], indexDir, embedder: new CountingEmbeddings(), maxFileBytes: MAX });
    expect(s.indexed).toBe(1);
    expect(s.skipped).toEqual([
      { source: '.draft.md', kind: 'hidden' },
      { source: '.history/', kind: 'hidden' },
      { source: 'link.txt', kind: 'symlink' },
    ]);
    expect(summaryText(s)).toContain('跳过 3 个隐藏文件或链接：.draft.md、.history/、link.txt');
    // Also when nothing changed and the current index is kept as it is.
    const again = await runIngest({ dirs: [dir], indexDir, embedder: new CountingEmbeddings(), maxFileBytes: MAX });
    expect(again.generation).toBe(s.generation);
    expect(again.skipped).toHaveLength(3);
  });
});
