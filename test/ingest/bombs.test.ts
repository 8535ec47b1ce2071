import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/pipeline.js';
import { PassageIndex } from '../../src/index/reader.js';
import { writeDocxBomb, writeZeroBomb } from './generate.js';
import { CountingEmbeddings, corpusOfSeeds, SEEDS, tempDir } from './pipelineFixture.js';

/**
 * In its own file, so process.resourceUsage().maxRSS is this ingest's peak
 * (vitest runs each test file in a fresh process); the loader worker's memory
 * counts in it, being a thread of this process.
 */
const MB = 1024 * 1024;
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('zip bombs among good files', () => {
  it('rejects each bomb, indexes the rest and the largest DOCX the caps allow, and peaks under 1.5 GB', async () => {
    const corpus = corpusOfSeeds(SEEDS.slice(0, 2));
    const indexDir = tempDir('index');
    cleanup.push(corpus, indexDir);
    await writeDocxBomb(path.join(corpus, 'xml-bomb.docx'), 150 * MB); // the 150 MB of dense XML
    await writeDocxBomb(path.join(corpus, 'lying.docx'), 150 * MB, 4096); // declares 4 KB
    await writeZeroBomb(path.join(corpus, 'zero-bomb.docx'), 1024 * MB); // 1 GB of zeros in ~1 MB
    await writeDocxBomb(path.join(corpus, 'at-cap.docx'), 19 * MB); // within the 20 MB XML cap: must load
    for (const f of ['xml-bomb.docx', 'lying.docx', 'zero-bomb.docx']) expect(fs.statSync(path.join(corpus, f)).size).toBeLessThan(4 * MB);

    const started = performance.now();
    const s = await runIngest({ dirs: [corpus], indexDir, embedder: new CountingEmbeddings(), maxFileBytes: 100 * MB });
    const seconds = (performance.now() - started) / 1000;
    const got = Object.fromEntries(s.outcomes.map((o) => [o.source, o.status === 'rejected' ? `${o.code}: ${o.message}` : o.status]));
    expect(got).toEqual({
      [SEEDS[0]!]: 'indexed',
      [SEEDS[1]!]: 'indexed',
      'at-cap.docx': 'indexed',
      'lying.docx': 'corrupt: DOCX 文件结构异常（压缩包里的内容比记录的大小更大），无法读取',
      'xml-bomb.docx': expect.stringMatching(/^too-large: DOCX 文件解压后过大（文档内容约 150\.\d MB，上限 20 MB），无法读取$/),
      'zero-bomb.docx': expect.stringMatching(/^too-large: DOCX 文件解压后过大（约 1024\.\d MB，上限 300 MB），无法读取$/),
    });
    const index = PassageIndex.open(indexDir, new CountingEmbeddings());
    expect(index.passagesOf('at-cap.docx').length).toBeGreaterThan(10_000);
    index.close();

    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(`zip bombs + a DOCX with 19 MB of XML: ingest ${seconds.toFixed(1)} s, peak RSS of the process ${peakMb.toFixed(0)} MB`);
    expect(peakMb).toBeLessThan(1536);
  }, 300_000);
});
