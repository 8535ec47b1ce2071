import { bestWindowShare } from './rerank.js';
import type { PassageTerms } from '../index/termStats.js';
import type { Concept } from './terms.js';

/** What the relevance bar reads of one candidate passage. */
export interface Answerability {
  /** Key concepts the corpus never mentions anywhere (校医, 书面作业): the documents cannot answer. */
  unknown: string[];
  /** Names (places, schools) found neither in the passage nor in what precedes it. */
  missingScope: string[];
  /** IDF share of the topic concepts (key concepts that are not names) found in the passage text. */
  topicInText: number;
  /** IDF share of the topic concepts found together in one short window of the passage. */
  topicInWindow: number;
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
  df: (t: string) => number,
): Answerability {
  const { text, heading, context } = passage;
  const has = (s: string, c: Concept) => c.forms.some((f) => s.includes(f));
  const key = concepts.filter((c) => c.key);
  const unknown = key.filter((c) => c.forms.every((f) => df(f) === 0)).map((c) => c.forms[0]!);
  const missingScope = key.filter((c) => c.scope && !has(text, c) && !has(context, c)).map((c) => c.forms[0]!);
  const topic = key.filter((c) => !c.scope).map((c) => ({ forms: c.forms, w: Math.min(...c.forms.map(idf)) }));
  const total = topic.reduce((s, c) => s + c.w, 0);
  if (total === 0) return { unknown, missingScope, topicInText: 1, topicInWindow: 1 };
  const inHeading = topic.filter((c) => !c.forms.some((f) => text.includes(f)) && c.forms.some((f) => heading.includes(f)));
  const headingShare = inHeading.reduce((s, c) => s + c.w, 0) / total;
  const inText = topic.reduce((s, c) => s + (c.forms.some((f) => text.includes(f)) ? c.w : 0), 0) / total;
  return { unknown, missingScope, topicInText: inText + headingShare, topicInWindow: bestWindowShare(text, topic, total) + headingShare };
}

/** Least share of the topic (IDF weight) a passage must contain, and hold within one window. */
export const MIN_TOPIC_IN_TEXT = 0.8;
export const MIN_TOPIC_IN_WINDOW = 0.6;
/** Below this share of the whole question in one window (context counted at half), nothing answers. */
export const MIN_STRENGTH = 0.3;

/**
 * The relevance bar: the corpus knows every key word of the question, the
 * passage is about the named school or county, and it holds (nearly) all of
 * the question's topic, most of it in one place.
 */
export function canAnswer(a: Answerability, scores: { focusCoverage: number; contextCoverage: number }): boolean {
  return (
    a.unknown.length === 0 &&
    a.missingScope.length === 0 &&
    a.topicInText >= MIN_TOPIC_IN_TEXT &&
    a.topicInWindow >= MIN_TOPIC_IN_WINDOW &&
    scores.focusCoverage + 0.5 * scores.contextCoverage >= MIN_STRENGTH
  );
}
