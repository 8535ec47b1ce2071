/**
 * Indicator questions answered from the checklist data. The passage
 * pipeline answers first; when the question asks for the standard of an
 * indicator the data holds (or brings its own figures), the data's facts
 * answer, and the passage the pipeline found is kept as 相关原文. Pure.
 */
import type { AnswerPipeline } from '../answer/pipeline.js';
import type { QueryPlan } from '../answer/plan.js';
import type { Answer, Answerer, Topic } from '../answer/types.js';
import { indicatorFacts } from './explain.js';
import type { IndicatorNames } from './indicatorNames.js';
import { followUpQuestion, readIndicatorQuestion, topicOf, type IndicatorQuestion } from './question.js';
import type { Checklist } from './types.js';

export class IndicatorAnswers {
  constructor(
    private readonly checklists: readonly Checklist[],
    private readonly names: IndicatorNames,
  ) {}

  /** The chat's answerer: the passage pipeline, then the data where it answers. The eval runs the same two steps. */
  over(pipeline: AnswerPipeline): Answerer {
    return {
      answer: async (question: string, topic?: Topic) => {
        const prepared = await pipeline.prepare(question);
        return this.finish(prepared.plan, pipeline.compose(prepared, pipeline.decide(prepared)), topic);
      },
    };
  }

  /** The answer to give: the data's, when it answers the question; otherwise the passage answer unchanged. */
  finish(plan: QueryPlan, passage: Answer, previous?: Topic): Answer {
    const follow = previous ? followUpQuestion(plan.repaired, previous, this.names) : null;
    // The passages found for 那初中呢 are about nothing in particular: a follow-up is answered from the data alone.
    if (follow) return this.fromData(plan, { ...passage, status: 'not_found', quotes: [], citations: [] }, follow);
    const q = readIndicatorQuestion(plan.repaired, this.names);
    if (!q || !q.asksStandard || q.local) return passage;
    // A question about one county's or one document's own figures (拜城县的操场) is for the documents, not the national standard.
    // The segmenter tags some indicator names as places (音乐教室): those do not count.
    const named = (form: string) => q.indicators.some((n) => n.names.some((name) => name.includes(form) || form.includes(name)));
    // 优质均衡办法中… names the national document itself, which the data restates.
    const ownDocument = plan.documentRef !== null && !q.namesProgram;
    if (!q.uncovered && (ownDocument || plan.concepts.some((c) => (c.place || c.scope) && !c.forms.some(named)))) return passage;
    return this.fromData(plan, passage, q);
  }

  private fromData(plan: QueryPlan, passage: Answer, q: IndicatorQuestion): Answer {
    const kept = passage.status === 'answered' ? { quotes: passage.quotes, citations: passage.citations } : { quotes: [], citations: [] };
    if (q.uncovered) {
      return {
        question: plan.question,
        status: 'partial',
        ...kept,
        reason: { code: 'fact_missing', asked: { kind: 'uncovered', label: q.uncovered } },
        suggestions: passage.suggestions,
        facts: [],
      };
    }
    const facts = indicatorFacts(this.checklists, q);
    if (facts.length === 0) return passage;
    // Only "there is no national value for this" to say: the data speaks of the topic but does not state what was asked.
    if (facts.every((f) => f.noStandard)) {
      // The documents may still answer (生均几本书 in a worked example): their answer comes first.
      if (passage.status === 'answered') return passage;
      return { question: plan.question, status: 'partial', ...kept, reason: { code: 'fact_missing', asked: { kind: 'standard', label: '' } }, suggestions: passage.suggestions, facts };
    }
    return { question: plan.question, status: 'answered', ...kept, reason: { code: 'answered' }, suggestions: [], facts, topic: topicOf(q) };
  }
}
