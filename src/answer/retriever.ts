import { BaseRetriever } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { reciprocalRankFusion } from '../index/fusion.js';
import type { PassageIndex } from '../index/reader.js';
import type { StoredPassage } from '../index/store.js';
import { TermStats } from '../index/termStats.js';
import { searchQuery } from './query.js';
import { DEFAULT_WEIGHTS, rerank, type RerankWeights, type Scored } from './rerank.js';
import { questionConcepts } from './terms.js';

/** A passage retrieved for a question, with the scores the answerer's relevance bar reads. */
export interface Retrieved {
  passage: StoredPassage;
  score: number;
  coverage: number;
  focusCoverage: number;
  contextCoverage: number;
}

/** How many fused keyword+vector candidates are reranked. */
const CANDIDATES = 40;
const PER_RETRIEVER = 50;

/**
 * Hybrid retrieval: BM25 over segmented words and cosine over local vectors,
 * fused by reciprocal rank, then reranked by how much of the question each
 * candidate covers (see rerank.ts). Holds the generation's term statistics.
 */
export class PassageRetriever {
  readonly stats: TermStats;

  constructor(readonly index: PassageIndex, private readonly weights: RerankWeights = DEFAULT_WEIGHTS) {
    this.stats = new TermStats(index);
  }

  async retrieve(question: string, limit = 10): Promise<Retrieved[]> {
    const query = searchQuery(question);
    if (!query) return [];
    const keyword = this.index.keywordSearch(query, PER_RETRIEVER).map((h) => h.passageId);
    const vector = (await this.index.vectorSearch(query, PER_RETRIEVER)).map((h) => h.passageId);
    const fused = reciprocalRankFusion([keyword, vector]).slice(0, CANDIDATES);
    const candidates = fused.flatMap((f, i) => {
      const p = this.stats.passage(f.id);
      return p ? [{ id: f.id, text: p.text, heading: p.heading, section: p.section, context: p.context, fusedRank: i }] : [];
    });
    const ranked: Scored[] = rerank(candidates, questionConcepts(question), (t) => this.stats.idf(t), this.weights);
    return ranked.slice(0, limit).flatMap((r) => {
      const passage = this.index.passage(r.id);
      return passage ? [{ passage, ...r }] : [];
    });
  }
}

/** The same retrieval behind LangChain's retriever interface (Document metadata carries the citation). */
export class LangChainPassageRetriever extends BaseRetriever {
  override lc_namespace = ['junheng', 'retrievers'];

  constructor(private readonly retriever: PassageRetriever, private readonly k = 10) {
    super();
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return (await this.retriever.retrieve(query, this.k)).map(
      (r) =>
        new Document({
          pageContent: r.passage.text,
          metadata: {
            passageId: r.passage.id,
            source: r.passage.source,
            title: r.passage.title,
            sectionPath: r.passage.sectionPath,
            page: r.passage.page,
            score: r.score,
          },
        }),
    );
  }
}
