import { AnswerPipeline } from '../answer/pipeline.js';
import type { IndicatorAnswers } from '../checklist/answerer.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import { currentGeneration } from '../index/generations.js';
import { PassageIndex } from '../index/reader.js';
import type { KnowledgeBase } from './engine.js';

/** Opens the answering stack over one index generation; indicator questions are answered from the checklist data when it is given. */
export function openKnowledgeBase(index: PassageIndex, indicators: IndicatorAnswers | null = null): KnowledgeBase {
  const pipeline = new AnswerPipeline(index);
  const answerer = indicators ? indicators.over(pipeline) : pipeline;
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
  ) {}

  get(): KnowledgeBase {
    const generation = currentGeneration(this.indexDir);
    if (!this.current || (generation !== null && generation !== this.current.generation)) {
      const index = PassageIndex.open(this.indexDir, this.embedder);
      const previous = this.current;
      this.current = { generation: index.generation, index, kb: openKnowledgeBase(index, this.indicators) };
      if (previous) setTimeout(() => previous.index.close(), RETIRE_AFTER_MS).unref();
    }
    return this.current.kb;
  }

  close(): void {
    this.current?.index.close();
    this.current = undefined;
  }
}
