import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NothingIndexedError, runIngest, type IngestEvent, type IngestOptions } from '../../src/ingest/pipeline.js';
import { QUARANTINE_FILE } from '../../src/ingest/quarantine.js';
import { writeDocxBomb } from './generate.js';
import { CountingEmbeddings, corpusOfSeeds, repoRoot, SEEDS, seedsDir, tempDir, tempDirsOfThisFile } from './pipelineFixture.js';

const MAX = 100 * 1024 * 1024;
const { temp, track } = tempDirsOfThisFile();

/** Runs an ingest, recording which files were handed to the loader. */
async function ingest(opts: Omit<IngestOptions, 'embedder' | 'maxFileBytes' | 'onEvent'>) {
  const loaded: string[] = [];
  const onEvent = (e: IngestEvent) => e.type === 'load' && loaded.push(e.source);
  try {
    const summary = await runIngest({ ...opts, embedder: new CountingEmbeddings(), maxFileBytes: MAX, onEvent });
    return { summary, outcomes: summary.outcomes, loaded };
  } catch (e) {
    if (!(e instanceof NothingIndexedError)) throw e;
    return { summary: undefined, outcomes: e.outcomes, loaded };
  }
}

describe('a file that crashed its loader', () => {
  // 5 MB of document XML is within the zip caps; a 96 MB loader heap cannot hold mammoth's DOM of it.
  const SMALL_HEAP = { loaderHeapMb: 96 };

  it('is rejected once, remembered by content, not loaded again on the next runs, and retried when it changes', async () => {
    const corpus = temp('corpus');
    const indexDir = temp('index');
    const heavy = path.join(corpus, 'heavy.docx');
    await writeDocxBomb(heavy, 5 * 1024 * 1024);

    // Alone in the folder: nothing is indexed, so no manifest is written — the quarantine still remembers.
    const first = await ingest({ dirs: [corpus], indexDir, limits: SMALL_HEAP });
    expect(first.summary).toBeUndefined();
    expect(first.loaded).toEqual(['heavy.docx']);
    expect(first.outcomes).toEqual([
      expect.objectContaining({ status: 'rejected', code: 'loader-crashed', message: '文件解压后过大或结构异常，无法读取' }),
    ]);
    expect(fs.existsSync(path.join(indexDir, QUARANTINE_FILE))).toBe(true);

    // Next start, default heap (where it might even load): reported with the same reason, not loaded.
    for (const n of SEEDS.slice(0, 2)) fs.copyFileSync(path.join(seedsDir, n), path.join(corpus, n));
    const second = await ingest({ dirs: [corpus], indexDir });
    expect(second.loaded).toEqual(SEEDS.slice(0, 2));
    const h = second.outcomes.find((o) => o.source === 'heavy.docx');
    expect(h).toMatchObject({ status: 'rejected', code: 'loader-crashed', message: '文件解压后过大或结构异常，无法读取' });
    expect(h?.status === 'rejected' && h.technical).toMatch(/remembered since .*not loaded again/);
    expect(second.summary?.indexed).toBe(2);

    // Touched, same content: still not loaded (the manifest now remembers it too).
    fs.utimesSync(heavy, new Date(), new Date(Date.now() + 5000));
    const third = await ingest({ dirs: [corpus], indexDir });
    expect(third.loaded).toEqual([]);
    expect(third.outcomes.find((o) => o.source === 'heavy.docx')).toMatchObject({ status: 'rejected', code: 'loader-crashed' });

    // Changed: loaded again (and now it fits).
    await writeDocxBomb(heavy, 200_000);
    const fourth = await ingest({ dirs: [corpus], indexDir });
    expect(fourth.loaded).toEqual(['heavy.docx']);
    expect(fourth.outcomes.find((o) => o.source === 'heavy.docx')?.status).toBe('indexed');
    // The old content's entry is forgotten.
    expect(fs.existsSync(path.join(indexDir, QUARANTINE_FILE))).toBe(false);
  });
});

/** `npm run ingest` in a child that SIGKILLs itself while a file is in the loader (JUNHENG_CRASH_AT=while-loading). */
function ingestChild(corpus: string, indexDir: string, crashAt?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' };
    if (crashAt) env.JUNHENG_CRASH_AT = crashAt;
    else delete env.JUNHENG_CRASH_AT;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', corpus], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }));
  });
}

describe('a file the whole ingest process died on', () => {
  it('is retried after one death (it may have been a plain kill) and quarantined after two', async () => {
    const corpus = corpusOfSeeds(SEEDS.slice(0, 2));
    track(corpus);
    const victim = SEEDS[0]!; // the first file handed to the loader

    const once = temp('index');
    expect((await ingestChild(corpus, once, 'while-loading')).signal).toBe('SIGKILL');
    const afterOne = await ingestChild(corpus, once);
    expect(afterOne.code).toBe(0);
    expect(afterOne.stdout).toMatch(/新收录 2 个文件/);

    const twice = temp('index');
    expect((await ingestChild(corpus, twice, 'while-loading')).signal).toBe('SIGKILL');
    expect((await ingestChild(corpus, twice, 'while-loading')).signal).toBe('SIGKILL');
    const afterTwo = await ingestChild(corpus, twice);
    expect(afterTwo.code).toBe(0);
    expect(afterTwo.stdout).toMatch(/新收录 1 个文件，未变化 0 个，未收录 1 个/);
    expect(afterTwo.stdout).toContain(`${victim}：上次读取这个文件时索引程序意外退出`);
  });
});
