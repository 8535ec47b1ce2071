import { bestWindowShare } from './rerank.js';
import type { PassageTerms } from '../index/termStats.js';
import type { Concept } from './terms.js';

/**
 * Units a figure can be asked "per" (生均, 每百名, 每月, 比例 …): the groups of
 * forms a document may write each in. A passage that gives the figure in
 * another unit (a county total for a per-student question) does not answer.
 */
export const FIGURE_UNITS: readonly (readonly string[])[] = [
  ['生均', '每生', '每名学生', '每个学生'],
  ['人均'],
  ['每百名', '每100名', '百名学生'],
  ['每班', '班额', '每个班', '一个班', '1个班'],
  ['每月', '每个月', '月均', '/月'],
  ['每年', '每学年', '年均', '/年'],
  ['每周', '周课时'],
  ['每天', '每日', '小时/天'],
  ['每学期', '学期'],
  ['每人', '每名', '人均'],
  ['比例', '%', '比率', '百分之', '占'],
];

/** The figure units a question asks about (by any of their forms). */
export function askedUnits(question: string): (readonly string[])[] {
  const q = question.normalize('NFKC');
  return FIGURE_UNITS.filter((forms) => forms.some((f) => q.includes(f)));
}

/** What the relevance bar reads of one candidate passage. */
export interface Answerability {
  /** Names (places, schools) found neither in the passage nor in what precedes it. */
  missingScope: string[];
  /** IDF share of the topic concepts (key concepts that are not names) found in the passage text. */
  topicInText: number;
  /** IDF share of the topic concepts found together in one short window of the passage. */
  topicInWindow: number;
  /** Figure units the question asks for that the passage never states. */
  missingUnits: string[];
}

/**
 * How far a passage can answer a question. Names may come from what precedes
 * the passage (its section or the passage before); topic words must be in the
 * passage itself or in its title/section path — a per-student figure is not
 * answered by a total that happens to follow a sentence about 生均.
 */
export function answerability(
  concepts: readonly Concept[],
  passage: PassageTerms,
  idf: (t: string) => number,
  units: readonly (readonly string[])[] = [],
): Answerability {
  const { text, heading, context } = passage;
  const missingUnits = units.filter((forms) => !forms.some((f) => text.includes(f))).map((forms) => forms[0]!);
  const has = (s: string, c: Concept) => c.forms.some((f) => s.includes(f));
  const key = concepts.filter((c) => c.key);
  const missingScope = key.filter((c) => c.scope && !has(text, c) && !has(context, c)).map((c) => c.forms[0]!);
  const topic = key.filter((c) => !c.scope).map((c) => ({ forms: c.forms, w: Math.min(...c.forms.map(idf)) }));
  const total = topic.reduce((s, c) => s + c.w, 0);
  if (total === 0) return { missingScope, topicInText: 1, topicInWindow: 1, missingUnits };
  const inHeading = topic.filter((c) => !c.forms.some((f) => text.includes(f)) && c.forms.some((f) => heading.includes(f)));
  const headingShare = inHeading.reduce((s, c) => s + c.w, 0) / total;
  const inText = topic.reduce((s, c) => s + (c.forms.some((f) => text.includes(f)) ? c.w : 0), 0) / total;
  return {
    missingScope,
    topicInText: inText + headingShare,
    topicInWindow: bestWindowShare(text, topic, total) + headingShare,
    missingUnits,
  };
}

/**
 * Least share of the topic (IDF weight) a passage must contain, and hold
 * within one window; least share of the whole question in one window
 * (context counted at half). Chosen on the dev set together with an
 * independent set of 40 colloquial questions: stricter bars refused
 * paraphrased questions (睡觉时间 for 睡眠时间), looser ones answered near misses.
 * A word the corpus never uses (校医) carries the highest IDF, so a question
 * about it falls below the topic bar without a rule of its own.
 */
export const MIN_TOPIC_IN_TEXT = 0.6;
export const MIN_TOPIC_IN_WINDOW = 0.3;
export const MIN_STRENGTH = 0.2;

/**
 * The relevance bar: the passage is about the named school or county, states
 * the figure in the unit asked (生均, 每月 …), and holds most of the
 * question's topic, part of it in one place.
 */
export function canAnswer(a: Answerability, scores: { focusCoverage: number; contextCoverage: number }): boolean {
  return (
    a.missingScope.length === 0 &&
    a.missingUnits.length === 0 &&
    a.topicInText >= MIN_TOPIC_IN_TEXT &&
    a.topicInWindow >= MIN_TOPIC_IN_WINDOW &&
    scores.focusCoverage + 0.5 * scores.contextCoverage >= MIN_STRENGTH
  );
}
