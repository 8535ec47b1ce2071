import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/pipeline.js';
import { currentGeneration } from '../../src/index/generations.js';
import { PassageIndex } from '../../src/index/reader.js';
import { CountingEmbeddings, corpusOfSeeds, repoRoot, SEEDS, seedsDir, tempDir } from './pipelineFixture.js';

const MAX = 100 * 1024 * 1024;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs `npm run ingest`'s entry point in a child that SIGKILLs itself at the named point. */
function ingestChild(corpus: string, indexDir: string, crashAt: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', corpus], {
      cwd: repoRoot,
      env: { ...process.env, INDEX_DIR: indexDir, JUNHENG_CRASH_AT: crashAt, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('kill -9 during ingest', () => {
  for (const point of ['after-lock', 'mid-embedding', 'before-switch', 'during-switch'] as const) {
    it(`leaves the previous index fully usable when killed ${point}, and the next run cleans up`, async () => {
      const corpus = corpusOfSeeds(SEEDS.slice(0, 2));
      const indexDir = tempDir('index');
      dirs.push(corpus, indexDir);
      const embedder = new CountingEmbeddings();
      await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
      const before = PassageIndex.open(indexDir, embedder);
      const generation = before.generation;
      const query = before.passagesOf(SEEDS[1]!)[1]!.text.slice(0, 40);
      const expectedHits = before.keywordSearch(query, 5);
      const expectedDocs = before.documents();
      before.close();

      fs.copyFileSync(path.join(seedsDir, SEEDS[2]!), path.join(corpus, SEEDS[2]!));
      const run = await ingestChild(corpus, indexDir, point);
      expect(run.signal).toBe('SIGKILL');

      expect(currentGeneration(indexDir)).toBe(generation);
      const after = PassageIndex.open(indexDir, embedder);
      expect(after.documents()).toEqual(expectedDocs);
      expect(after.keywordSearch(query, 5)).toEqual(expectedHits);
      expect((await after.vectorSearch(query, 3)).length).toBe(3);
      after.close();

      const next = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
      expect(next.indexed).toBe(1);
      expect(next.unchanged).toBe(2);
      const names = fs.readdirSync(path.join(indexDir, 'generations'));
      expect(names.some((n) => n.endsWith('.partial'))).toBe(false);
      expect(fs.readdirSync(indexDir).some((n) => n.endsWith('.tmp') || n === 'ingest.lock')).toBe(false);
      const final = PassageIndex.open(indexDir, embedder);
      expect(final.documents().map((d) => d.source)).toEqual(SEEDS.slice(0, 3));
      final.close();
    });
  }
});
