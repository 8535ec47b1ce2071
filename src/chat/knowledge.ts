import { withWriter, type GroundedWriter } from '../answer/llm.js';
import { AnswerPipeline } from '../answer/pipeline.js';
import type { Reranker } from '../answer/rerankRemote.js';
import type { IndicatorAnswers } from '../checklist/answerer.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import { openServing } from '../index/embedderChoice.js';
import { currentGeneration } from '../index/generations.js';
import { PassageIndex } from '../index/reader.js';
import type { KnowledgeBase } from './engine.js';

/** The optional services (RERANK_*, LLM_*) the answering stack uses when configured. */
export interface AnswerServices {
  reranker?: Reranker | null;
  writer?: GroundedWriter | null;
}

/**
 * Opens the answering stack over one index generation; indicator questions
 * are answered from the checklist data when it is given, and a configured
 * LLM rewrites the answer, verified, before anyone sees it.
 */
export function openKnowledgeBase(index: PassageIndex, indicators: IndicatorAnswers | null = null, services: AnswerServices = {}): KnowledgeBase {
  const pipeline = new AnswerPipeline(index, { reranker: services.reranker ?? null });
  const extractive = indicators ? indicators.over(pipeline) : pipeline;
  const answerer = services.writer ? withWriter(extractive, services.writer) : extractive;
  return { answerer, documents: () => index.documents(), passage: (id) => index.passage(id), section: (h) => index.firstUnderHeading(h) };
}

/** How long a replaced generation stays open for answers already under way. */
const RETIRE_AFTER_MS = 60_000;

/**
 * The knowledge base of whatever generation is current: a finished re-index
 * is picked up at the next question, and the old generation is closed only
 * after answers that were using it have had time to finish.
 */
export class LiveKnowledge {
  private current?: { generation: string; index: PassageIndex; kb: KnowledgeBase };

  constructor(
    private readonly indexDir: string,
    private readonly embedder: IdentifiedEmbeddings,
    private readonly indicators: IndicatorAnswers | null = null,
    private readonly services: AnswerServices = {},
  ) {}

  get(): KnowledgeBase {
    const generation = currentGeneration(this.indexDir);
    if (!this.current || (generation !== null && generation !== this.current.generation)) {
      // With the embedder that built it: after a change of embedder the old generation answers until the new one is current.
      const index = openServing(this.indexDir, this.embedder);
      const previous = this.current;
      this.current = { generation: index.generation, index, kb: openKnowledgeBase(index, this.indicators, this.services) };
      if (previous) setTimeout(() => previous.index.close(), RETIRE_AFTER_MS).unref();
    }
    return this.current.kb;
  }

  close(): void {
    this.current?.index.close();
    this.current = undefined;
  }
}
