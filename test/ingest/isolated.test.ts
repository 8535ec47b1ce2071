import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { IngestBusyError, JunhengError } from '../../src/errors.js';
import { runIngestIsolated } from '../../src/ingest/isolated.js';
import { NothingIndexedError, runIngest, type IngestEvent } from '../../src/ingest/pipeline.js';
import { currentGeneration, IngestLock } from '../../src/index/generations.js';
import { PassageIndex } from '../../src/index/reader.js';
import { writeBigText } from './generate.js';
import { CountingEmbeddings, corpusOfSeeds, SEEDS, seedsDir, tempDir, tempDirsOfThisFile } from './pipelineFixture.js';

const MAX = 100 * 1024 * 1024;
const MB = 1024 * 1024;
const { temp, track } = tempDirsOfThisFile();

/** An index of the first three seeds, and a corpus holding them plus the rest. */
async function indexedCorpus(): Promise<{ corpus: string; indexDir: string; generation: string }> {
  const corpus = corpusOfSeeds(SEEDS.slice(0, 3));
  track(corpus);
  const indexDir = temp('index');
  const s = await runIngest({ dirs: [corpus], indexDir, embedder: new CountingEmbeddings(), maxFileBytes: MAX });
  for (const n of SEEDS.slice(3)) fs.copyFileSync(path.join(seedsDir, n), path.join(corpus, n));
  return { corpus, indexDir, generation: s.generation };
}

describe('runIngestIsolated', () => {
  it('re-indexes a 60 MB TXT and the seeds off the main thread: the event loop stays responsive and searches answer meanwhile', async () => {
    const { corpus, indexDir, generation } = await indexedCorpus();
    writeBigText(path.join(corpus, 'big-60mb.txt'), 60 * MB); // over the text cap: read, decoded, rejected
    writeBigText(path.join(corpus, 'long-8mb.txt'), 8 * MB); // within the caps: ~8 000 passages to embed and store
    const embedder = new CountingEmbeddings();
    const index = PassageIndex.open(indexDir, embedder);
    const query = index.passagesOf(SEEDS[1]!)[1]!.text.slice(0, 30);
    const expected = index.keywordSearch(query, 5);
    expect(expected.length).toBeGreaterThan(0);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let maxDrift = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxDrift = Math.max(maxDrift, now - last - 50);
      last = now;
    }, 50);
    const events: IngestEvent['type'][] = [];
    let done = false;
    const started = performance.now();
    const run = runIngestIsolated({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX, onEvent: (e) => events.push(e.type) }).finally(() => (done = true));
    const answered: number[] = [];
    while (!done) {
      await new Promise((r) => setTimeout(r, 100));
      if (done) break;
      const t = performance.now();
      expect(index.keywordSearch(query, 5)).toEqual(expected);
      expect((await index.vectorSearch(query, 3)).length).toBe(3);
      answered.push(performance.now() - t);
    }
    const summary = await run;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(ticker);
    delay.disable();
    index.close();

    const maxLagMs = delay.max / 1e6;
    console.log(
      `isolated re-index of 60 MB + 8 MB TXT + seeds: ${seconds.toFixed(1)} s; main thread max event-loop delay ${maxLagMs.toFixed(0)} ms ` +
        `(interval drift ${maxDrift.toFixed(0)} ms); ${answered.length} searches answered meanwhile, slowest ${Math.max(...answered).toFixed(0)} ms`,
    );
    expect(maxLagMs).toBeLessThan(1000);
    expect(maxDrift).toBeLessThan(1000);
    expect(answered.length).toBeGreaterThan(3);

    // The result is the IngestSummary as plain data.
    const got = Object.fromEntries(summary.outcomes.map((o) => [o.source, o.status === 'rejected' ? o.code : o.status]));
    expect(got).toEqual({
      [SEEDS[0]!]: 'unchanged',
      [SEEDS[1]!]: 'unchanged',
      [SEEDS[2]!]: 'unchanged',
      [SEEDS[3]!]: 'indexed',
      [SEEDS[4]!]: 'indexed',
      'big-60mb.txt': 'too-much-text',
      'long-8mb.txt': 'indexed',
    });
    expect(summary.outcomes.find((o) => o.source === 'big-60mb.txt')).toMatchObject({ message: expect.stringMatching(/^文件内容过多（约 \d+ 万字，上限 2000 万字），请拆分后再放入$/) });
    expect(summary.skipped).toEqual([]);
    expect(events.filter((t) => t === 'file')).toHaveLength(7);
    expect(currentGeneration(indexDir)).toBe(summary.generation);
    expect(summary.generation).not.toBe(generation);
    const after = PassageIndex.open(indexDir, embedder);
    expect(after.passagesOf('long-8mb.txt').length).toBeGreaterThan(5000);
    after.close();
  }, 300_000);

  it('returns the errors of runIngest as the same classes', async () => {
    const embedder = new CountingEmbeddings();
    const junk = temp('junk');
    fs.writeFileSync(path.join(junk, 'empty.txt'), '');
    const nothing = await runIngestIsolated({ dirs: [junk], indexDir: temp('index'), embedder, maxFileBytes: MAX }).catch((e: unknown) => e);
    expect(nothing).toBeInstanceOf(NothingIndexedError);
    expect((nothing as NothingIndexedError).userMessage).toBe('没有任何文件可以收录，旧索引保持不变。');
    expect((nothing as NothingIndexedError).outcomes).toEqual([expect.objectContaining({ source: 'empty.txt', code: 'empty', message: '文件是空的' })]);

    const indexDir = temp('index');
    const { lock } = IngestLock.acquire(indexDir);
    try {
      await expect(runIngestIsolated({ dirs: [seedsDir], indexDir, embedder, maxFileBytes: MAX })).rejects.toThrow(IngestBusyError);
    } finally {
      lock.release();
    }

    const missing = await runIngestIsolated({ dirs: [path.join(junk, 'nope')], indexDir, embedder, maxFileBytes: MAX }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(JunhengError);
    expect((missing as JunhengError).userMessage).toMatch(/^找不到语料文件夹/);
  });

  it('leaves the previous index current when the child is killed (kill -9 crash point, or aborted), and the next run recovers', async () => {
    const { corpus, indexDir, generation } = await indexedCorpus();
    const embedder = new CountingEmbeddings();

    process.env.JUNHENG_CRASH_AT = 'mid-embedding';
    const killed = runIngestIsolated({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    delete process.env.JUNHENG_CRASH_AT; // the child has its copy of the environment; this process must not crash
    const e = await killed.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JunhengError);
    expect((e as JunhengError).userMessage).toBe('建立索引的后台进程意外退出，旧索引保持不变。');
    expect((e as Error).message).toMatch(/signal SIGKILL/);
    expect(currentGeneration(indexDir)).toBe(generation);

    const controller = new AbortController();
    const aborted = runIngestIsolated({
      dirs: [corpus],
      indexDir,
      embedder,
      maxFileBytes: MAX,
      signal: controller.signal,
      onEvent: (ev) => ev.type === 'start' && controller.abort(),
    });
    await expect(aborted).rejects.toThrow('isolated ingest aborted');
    expect(currentGeneration(indexDir)).toBe(generation);
    const old = PassageIndex.open(indexDir, embedder);
    expect(old.documents().map((d) => d.source)).toEqual(SEEDS.slice(0, 3));
    old.close();

    const next = await runIngestIsolated({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(next.indexed).toBe(2);
    expect(next.unchanged).toBe(3);
    expect(fs.readdirSync(path.join(indexDir, 'generations')).some((n) => n.endsWith('.partial'))).toBe(false);
    expect(fs.existsSync(path.join(indexDir, 'ingest.lock'))).toBe(false);
  }, 120_000);
});
