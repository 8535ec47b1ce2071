import { normalizeForSearch } from '../index/segment.js';
import type { Concept } from './terms.js';
import { sentencesOf } from './terms.js';

/** Longest quote taken from one passage (characters). */
export const MAX_QUOTE = 260;

/** A short line that only names a section ("1、注重课堂实效。"): what answers comes after it. */
export function isHeadingLike(sentence: string): boolean {
  const t = sentence.trim();
  return t.length <= 24 && /^(?:第[一二三四五六七八九十百]+[篇章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[①-⑳])/u.test(t);
}

/** IDF weight of the question a sentence covers; a long word split in the text counts by its parts. */
function sentenceScore(sentence: string, concepts: readonly Concept[], weight: readonly number[]): { score: number; covered: Set<number> } {
  const n = normalizeForSearch(sentence);
  const covered = new Set<number>();
  let score = 0;
  concepts.forEach((c, k) => {
    if (c.forms.some((f) => n.includes(f))) {
      covered.add(k);
      score += weight[k]!;
    } else if (c.parts.length > 0) {
      const found = c.parts.filter((p) => n.includes(p)).length;
      if (found === c.parts.length) covered.add(k);
      score += (weight[k]! * found) / c.parts.length;
    }
  });
  return { score, covered };
}

/**
 * The sentences of a passage that answer, quoted exactly as written: the
 * sentence covering most of the question (by IDF weight; a heading-like line
 * loses ties to content), then neighbours while they add a concept, talk
 * about the question nearly as much, or continue a heading or a "…如下：".
 */
export interface Quote {
  sentences: string[];
  /** Indexes of the question's concepts the quote contains. */
  covered: Set<number>;
}

export function selectSentences(text: string, concepts: readonly Concept[], idf: (t: string) => number): Quote {
  const sentences = sentencesOf(text);
  if (sentences.length === 0) return { sentences: [], covered: new Set() };
  const weight = concepts.map((c) => Math.min(...c.forms.map(idf)));
  const scored = sentences.map((s) => sentenceScore(s, concepts, weight));
  const rank = (i: number) => scored[i]!.score - (isHeadingLike(sentences[i]!) ? 0.01 : 0);
  let best = 0;
  for (let i = 1; i < sentences.length; i++) if (rank(i) > rank(best)) best = i;

  const chosen = new Set([best]);
  const have = new Set(scored[best]!.covered);
  let length = sentences[best]!.length;
  const add = (i: number) => {
    chosen.add(i);
    for (const k of scored[i]!.covered) have.add(k);
    length += sentences[i]!.length;
  };
  // After a heading or a colon the content follows: take it while it fits.
  for (let i = best + 1; i < sentences.length; i++) {
    const previous = sentences[i - 1]!;
    if (!(isHeadingLike(previous) || /[：:]$/u.test(previous)) || !chosen.has(i - 1)) break;
    if (length + sentences[i]!.length > MAX_QUOTE) break;
    add(i);
  }
  for (const i of [best + 1, best - 1, best + 2, best - 2]) {
    const s = sentences[i];
    if (s === undefined || chosen.has(i) || length + s.length > MAX_QUOTE) continue;
    const adds = [...scored[i]!.covered].some((k) => !have.has(k));
    const related = scored[i]!.score >= 0.6 * scored[best]!.score && scored[best]!.score > 0;
    if (adds || related) add(i);
  }
  // The sentence that names where the quoted rule comes from ("出处：…教督〔2017〕6号第六条") is part of the answer.
  const lastChosen = Math.max(...chosen);
  for (let i = lastChosen + 1; i <= lastChosen + 2 && i < sentences.length; i++) {
    if (/^(?:出处|依据|来源)[：:]/u.test(sentences[i]!)) {
      for (let j = lastChosen + 1; j <= i; j++) chosen.add(j);
      break;
    }
  }
  return { sentences: [...chosen].sort((a, b) => a - b).map((i) => sentences[i]!), covered: have };
}
