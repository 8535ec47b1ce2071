import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/pipeline.js';
import { writeBigText } from './generate.js';
import { CountingEmbeddings, corpusOfSeeds, SEEDS, tempDir } from './pipelineFixture.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('a valid 95 MB plain-text file', () => {
  it('is rejected by the text cap with that reason (not as damaged), quickly, and the other files are indexed', async () => {
    const corpus = corpusOfSeeds(SEEDS.slice(0, 2));
    const indexDir = tempDir('index');
    cleanup.push(corpus, indexDir);
    const big = path.join(corpus, 'big.txt');
    writeBigText(big, 95 * 1024 * 1024); // ~35 M characters, one （N） marker per paragraph
    const started = performance.now();
    const s = await runIngest({ dirs: [corpus], indexDir, embedder: new CountingEmbeddings(), maxFileBytes: 100 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    const o = s.outcomes.find((x) => x.source === 'big.txt');
    expect(o).toMatchObject({ status: 'rejected', code: 'too-much-text', message: expect.stringMatching(/^文件内容过多（约 3\d{3} 万字，上限 2000 万字），请拆分后再放入$/) });
    expect(s.indexed).toBe(2);
    console.log(`95 MB TXT: ${(fs.statSync(big).size / 1e6).toFixed(1)} MB rejected by the text cap, whole ingest ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
