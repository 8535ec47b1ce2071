import fs from 'node:fs';
import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LangChainPassageRetriever, PassageRetriever } from '../../src/answer/retriever.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { PassageIndex } from '../../src/index/reader.js';
import { seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const indexDir = tempDir('retriever-index');
let index: PassageIndex;
beforeAll(async () => {
  const embedder = new LocalHashEmbeddings();
  await runIngest({ dirs: [seedsDir], indexDir, embedder, maxFileBytes: 1e8 });
  index = PassageIndex.open(indexDir, embedder);
});
afterAll(() => {
  index.close();
  fs.rmSync(indexDir, { recursive: true, force: true });
});

describe('PassageRetriever', () => {
  it('ranks the passage that holds the answer first, with its coverage scores', async () => {
    const [top] = await new PassageRetriever(index).retrieve('学生营养改善计划拨了多少钱？', 5);
    expect(top!.passage.text).toContain('1.61亿元');
    expect(top!.coverage).toBeGreaterThan(0.5);
    expect(top!.score).toBeGreaterThan(0);
  });

  it('returns nothing for a question made only of question words', async () => {
    expect(await new PassageRetriever(index).retrieve('什么？怎么？', 5)).toEqual([]);
  });
});

describe('LangChainPassageRetriever', () => {
  it('is a LangChain retriever returning Documents that carry the citation in their metadata', async () => {
    const retriever = new LangChainPassageRetriever(new PassageRetriever(index), 3);
    expect(retriever).toBeInstanceOf(BaseRetriever);
    const docs = await retriever.invoke('学生营养改善计划拨了多少钱？');
    expect(docs).toHaveLength(3);
    expect(docs[0]).toBeInstanceOf(Document);
    expect(docs[0]!.pageContent).toContain('1.61亿元');
    expect(docs[0]!.metadata).toEqual(
      expect.objectContaining({ source: expect.stringMatching(/^002_/), title: expect.any(String), sectionPath: expect.any(Array), passageId: expect.any(Number) }),
    );
  });
});
