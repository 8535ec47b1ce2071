import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEngine } from '../../src/chat/engine.js';
import { LiveKnowledge } from '../../src/chat/knowledge.js';
import type { CorpusSync } from '../../src/chat/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { corpusOfSeeds, SEEDS, tempDir } from '../ingest/pipelineFixture.js';

/** /sources on an instance following the shared corpus: it says so while it is catching up. */
const embedder = new LocalHashEmbeddings();
const corpus = corpusOfSeeds(SEEDS.slice(0, 2));
const indexDir = tempDir('sources-sync-index');
const knowledge = new LiveKnowledge(indexDir, embedder);

beforeAll(async () => {
  await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
});
afterAll(() => {
  knowledge.close();
  for (const d of [corpus, indexDir]) fs.rmSync(d, { recursive: true, force: true });
});

const sources = async (engine: ChatEngine) => (await engine.handle('u1', { kind: 'text', text: '/sources' }))[0]!.text;

describe('/sources and the shared corpus', () => {
  it('says it is catching up, with both versions, above the documents it can answer from now', async () => {
    const engine = new ChatEngine(() => knowledge.get());
    let sync: CorpusSync = { catchingUp: true, databaseVersion: 7, indexedVersion: 5 };
    engine.setCorpusSync(() => sync);
    const [notice, list] = (await sources(engine)).split('\n\n');
    expect(notice).toBe('资料库有更新，本机正在同步（已同步到第 5 版，最新第 7 版），下面是目前可查的文件；同步完成后会包括新文件。');
    expect(list).toMatch(/^已收录 2 个文件，共 \d+ 段：/u);
    for (const s of SEEDS.slice(0, 2)) expect(list).toContain(s);

    // Asked anew each time: once caught up the list stands alone.
    sync = { catchingUp: false, databaseVersion: 7, indexedVersion: 7 };
    const caughtUp = await sources(engine);
    expect(caughtUp).toMatch(/^已收录 2 个文件/u);
    expect(caughtUp).not.toContain('正在同步');
  });

  it('says a first sync is under way when nothing shared is indexed yet', async () => {
    const engine = new ChatEngine(() => knowledge.get());
    engine.setCorpusSync(() => ({ catchingUp: true, databaseVersion: 3, indexedVersion: 0 }));
    expect(await sources(engine)).toMatch(/^资料库有更新，本机正在同步（最新第 3 版，本机还在第一次同步）/u);
  });

  it('without a shared corpus /sources is the plain list', async () => {
    const engine = new ChatEngine(() => knowledge.get());
    const text = await sources(engine);
    expect(text).toMatch(/^已收录 2 个文件/u);
    expect(text).not.toContain('同步');
  });
});
