import type { AskedFact } from './types.js';
import { factStated, type CandidateFeatures } from './features.js';
import { normalizeForSearch } from '../index/segment.js';
import type { Lexicon } from './lexicon.js';
import { hasTopic, type QueryPlan } from './plan.js';
import type { Ranked } from './rank.js';
import { ANSWER_FEATURES, type AnswerFeatures, type Tuning } from './tuning.js';

/**
 * Step 5: can the documents answer? A calibrated probability over features of
 * the best candidate (topic coverage, margins, channel agreement, words the
 * corpus never uses), with a fitted threshold; then whether the chosen
 * passage states the kind of fact asked (answered) or only talks about the
 * topic (partial). Pure.
 */

export interface DecisionInput {
  plan: QueryPlan;
  ranked: readonly Ranked<{ features: CandidateFeatures }>[];
  unknownKeyShare: number;
  /** Names in the question that no passage of the corpus contains. */
  unknownScope: readonly string[];
}

export type Decision =
  | { status: 'answered'; chosen: number; probability: number; features: AnswerFeatures }
  | { status: 'partial'; chosen: number; probability: number; features: AnswerFeatures; asked: AskedFact }
  | { status: 'not_found'; reason: 'no_topic' | 'no_match' | 'off_topic'; probability: number; features: AnswerFeatures | null }
  | { status: 'not_found'; reason: 'scope_missing'; missing: string[]; probability: number; features: AnswerFeatures | null };

const rankedHigh = (share: number) => (share >= 1 / 3 ? 1 : 0);

export function answerFeatures(input: Omit<DecisionInput, 'unknownScope'>): AnswerFeatures | null {
  const top = input.ranked[0];
  if (!top) return null;
  const f = top.features;
  return {
    keyInText: f.keyInText,
    keyInWindow: f.keyInWindow,
    coverage: f.coverage,
    focus: f.focus,
    scopeFound: f.scopeFound,
    documentMatch: f.documentMatch,
    factNear: f.factNear,
    numbersFound: f.numbersFound,
    factStated: f.factStated,
    unitStated: f.unitStated,
    measureStated: f.measureStated,
    keyInSentence: f.keyInSentence,
    topScore: top.score,
    margin: top.score - (input.ranked[1]?.score ?? 0),
    // In how many channels the passage is among the first three.
    agreement: (rankedHigh(f.rankWord) + rankedHigh(f.rankBigram) + rankedHigh(f.rankVector)) / 3,
    unknownKeyShare: input.unknownKeyShare,
  };
}

export function answerProbability(f: AnswerFeatures, model: Tuning['answerability']): number {
  let z = model.bias;
  for (const name of ANSWER_FEATURES) z += (model.weights[name] * (f[name] - model.mean[name])) / model.scale[name];
  return 1 / (1 + Math.exp(-z));
}

function askedFact(plan: QueryPlan, missingUnitLabels: readonly string[], lexicon: Lexicon): AskedFact {
  if (missingUnitLabels.length > 0) return { kind: 'unit', label: missingUnitLabels.join('、') };
  const kind = plan.asked.kind ?? 'figure';
  return { kind, label: lexicon.askedFacts.get(kind)?.label ?? kind };
}

/**
 * The passage states what was asked: the asked kind of fact in the asked
 * unit, for the years asked, in the passage's most topical place (the
 * sentences that carry the fact hold as much of the topic as its best
 * sentence does).
 */
const states = (f: CandidateFeatures, plan: QueryPlan) =>
  f.factStated === 1 &&
  f.unitStated === 1 &&
  f.yearsFound === 1 &&
  f.itemsFound === 1 &&
  f.measureStated === 1 &&
  f.countedNear === 1 &&
  f.factNear >= f.keyInSentence &&
  // A passage about another county or school does not answer for the one named; a comparison names two, each passage one.
  (f.scopeFound === 1 || plan.comparison !== null) &&
  atLevel(f, plan);

/** A local question (这个区的方案, 调研报告里该市) is not answered from a document that never speaks of itself at that level. */
const atLevel = (f: CandidateFeatures, plan: QueryPlan) => !plan.localOnly || plan.levels.length === 0 || f.levelMatch > 0;

/** The words by which the question points at its place (该市, 这个区), as it wrote them. */
function levelWordsOf(plan: QueryPlan, lexicon: Lexicon): string[] {
  const words = [...lexicon.levelWords].filter((w) => plan.question.includes(w));
  return words.length > 0 ? words : plan.levels;
}

export function decide(input: DecisionInput, tuning: Tuning, lexicon: Lexicon): Decision {
  const features = answerFeatures(input);
  if (!hasTopic(input.plan)) return { status: 'not_found', reason: 'no_topic', probability: 0, features };
  if (input.unknownScope.length > 0) {
    return { status: 'not_found', reason: 'scope_missing', missing: [...input.unknownScope], probability: 0, features };
  }
  if (!features) return { status: 'not_found', reason: 'no_match', probability: 0, features };
  // No passage near the top holds any topic word of the question (明天天气怎么样): outside what the documents cover.
  const depthOnTopic = input.ranked.slice(0, lexicon.pipeline.answerDepth).some((r) => r.features.keyInText > 0);
  if (!depthOnTopic || input.unknownKeyShare >= 1) return { status: 'not_found', reason: 'off_topic', probability: 0, features };
  const probability = answerProbability(features, tuning.answerability);
  // Below the threshold nothing is answered; a question the documents speak of without stating the asked fact
  // still hears what they do say (partial), as above the threshold.
  // The probability scores one passage against the whole question; a question in two parts (or a comparison) is
  // answered from a passage per part, so there the rules alone decide.
  const inParts = input.plan.parts !== null || input.plan.comparison !== null;
  const confident = inParts || probability >= tuning.answerability.threshold;
  const answered = (chosen: number): Decision =>
    confident ? { status: 'answered', chosen, probability, features } : { status: 'not_found', reason: 'no_match', probability, features };
  const depth = Math.min(input.ranked.length, lexicon.pipeline.answerDepth);
  // A question naming a document (整改方案要求…) is answered from that document when one near the top is it:
  // its best passage leads, and only its passages may answer.
  const named = input.plan.documentWords.length > 0 ? input.ranked.slice(0, depth).findIndex((r) => r.features.documentMatch === 1) : -1;
  const lead = Math.max(named, 0);
  const fromNamed = (f: CandidateFeatures) => named < 0 || f.documentMatch === 1;
  const top = input.ranked[lead]!.features;
  if (states(top, input.plan)) return answered(lead);
  // Another passage near the top that states the asked fact and covers the topic as well answers instead.
  for (let i = 0; i < depth; i++) {
    const f = input.ranked[i]!.features;
    if (i !== lead && states(f, input.plan) && fromNamed(f) && f.keyInText >= top.keyInText && f.scopeFound >= top.scopeFound) return answered(i);
  }
  const partial = (asked: AskedFact): Decision => ({ status: 'partial', chosen: lead, probability, features, asked });
  if (top.scopeFound === 0 && input.plan.comparison === null) {
    const names = input.plan.concepts.filter((c) => c.scope).map((c) => c.forms[0]!);
    return partial({ kind: 'scope', label: names.join('、') });
  }
  if (!atLevel(top, input.plan)) return partial({ kind: 'scope', label: levelWordsOf(input.plan, lexicon).join('、') });
  if (top.itemsFound === 0) return partial({ kind: 'items', label: input.plan.items.map((r) => r.words).join('、') });
  const missing = top.unitStated === 1 ? [] : input.plan.asked.units.map((u) => u.label);
  if (missing.length === 0 && top.yearsFound === 0) return partial({ kind: 'years', label: input.plan.years.join('、') });
  return partial(askedFact(input.plan, missing, lexicon));
}

/**
 * An answer shows what was asked: when none of the quoted texts states the asked kind of fact (the passage
 * states one where the quote could not reach, or only in words like 健全覆盖), the fact the answer lacks; else null.
 */
export function missingFromQuotes(plan: QueryPlan, quotes: readonly string[], lexicon: Lexicon): AskedFact | null {
  if (plan.asked.kind === null || quotes.some((q) => factStated(plan, normalizeForSearch(q), lexicon))) return null;
  return askedFact(plan, [], lexicon);
}
