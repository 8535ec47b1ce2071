import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import type { AnswerPipeline } from './pipeline.js';

/**
 * The pipeline's ranking behind LangChain's retriever interface (steps 1–4;
 * Document metadata carries the citation), for chains that bring their own
 * generation step.
 */
export class LangChainPassageRetriever extends BaseRetriever {
  override lc_namespace = ['junheng', 'retrievers'];

  constructor(private readonly pipeline: AnswerPipeline, private readonly k = 10) {
    super();
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const { ranked } = this.pipeline.decide(await this.pipeline.prepare(query));
    return ranked.slice(0, this.k).flatMap((r) => {
      const p = this.pipeline.index.passage(r.id);
      return p
        ? [
            new Document({
              pageContent: p.text,
              metadata: { passageId: p.id, source: p.source, title: p.shortTitle, sectionPath: p.sectionPath, page: p.page, score: r.score },
            }),
          ]
        : [];
    });
  }
}
