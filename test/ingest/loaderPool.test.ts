import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import { LoaderPool, LoaderUnavailableError } from '../../src/ingest/loaderPool.js';
import { writeDocxBomb } from './generate.js';
import { fixturesDir, SEEDS, seedsDir, tempDir } from './pipelineFixture.js';

const dir = tempDir('pool');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const seed = (i: number) => fs.readFileSync(path.join(seedsDir, SEEDS[i]!));

describe('the loader worker', () => {
  it('loads many files in one worker, with a small cost per file once started', async () => {
    const pool = new LoaderPool(DEFAULT_LIMITS);
    try {
      const first = await pool.load(seed(0), SEEDS[0]!);
      expect(first.kind).toBe('content');
      const started = performance.now();
      const rounds = 40;
      for (let k = 0; k < rounds; k++) {
        const r = await pool.load(seed(3), SEEDS[3]!);
        expect(r.kind === 'content' && r.content.passages.length).toBeGreaterThan(0);
      }
      const perFile = (performance.now() - started) / rounds;
      const docx = await pool.load(fs.readFileSync(path.join(fixturesDir, '004-plan.docx')), '004-plan.docx');
      expect(docx.kind === 'content' && docx.content.format).toBe('docx');
      expect(pool.stats.workersStarted).toBe(1);
      console.log(`loader worker: start-up ${pool.stats.startupMs[0]!.toFixed(0)} ms once, then ${perFile.toFixed(1)} ms per 5.6 KB seed`);
      expect(perFile).toBeLessThan(500);
    } finally {
      await pool.close();
    }
  });

  it('hands back rejections as data, with the Chinese reason', async () => {
    const pool = new LoaderPool(DEFAULT_LIMITS);
    try {
      const r = await pool.load(fs.readFileSync(path.join(fixturesDir, 'legacy.doc')), 'legacy.doc');
      expect(r).toMatchObject({ kind: 'rejected', rejection: { code: 'legacy-doc', message: expect.stringContaining('另存为 .docx') } });
    } finally {
      await pool.close();
    }
  });

  it('loses only the worker when a file exhausts its heap, and starts a fresh one for the next file', async () => {
    const bomb = path.join(dir, 'heavy.docx');
    await writeDocxBomb(bomb, 5 * 1024 * 1024); // within the zip caps, beyond a 96 MB heap
    const pool = new LoaderPool({ ...DEFAULT_LIMITS, loaderHeapMb: 96 });
    try {
      const before = await pool.load(seed(1), SEEDS[1]!);
      expect(before.kind).toBe('content');
      const crashed = await pool.load(fs.readFileSync(bomb), 'heavy.docx');
      expect(crashed).toMatchObject({
        kind: 'crashed',
        rejection: { code: 'loader-crashed', message: '文件解压后过大或结构异常，无法读取', technical: expect.stringContaining('out of memory (heap limit 96 MB)') },
      });
      const after = await pool.load(seed(1), SEEDS[1]!);
      expect(after.kind).toBe('content');
      expect(pool.stats.workersStarted).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('gives up on a file that takes longer than the time limit', async () => {
    const pool = new LoaderPool({ ...DEFAULT_LIMITS, loaderTimeoutMs: 1 });
    try {
      const r = await pool.load(fs.readFileSync(path.join(fixturesDir, '004-plan.pdf')), '004-plan.pdf');
      expect(r).toMatchObject({ kind: 'crashed', rejection: { code: 'loader-crashed', message: expect.stringMatching(/^文件读取超时/) } });
    } finally {
      await pool.close();
    }
  });

  it('fails the ingest, not the file, when the worker cannot even start', async () => {
    const pool = new LoaderPool({ ...DEFAULT_LIMITS, loaderHeapMb: 8 });
    try {
      await expect(pool.load(seed(1), SEEDS[1]!)).rejects.toThrow(LoaderUnavailableError);
    } finally {
      await pool.close();
    }
  });
});
