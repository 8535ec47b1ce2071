import { normalizeForSearch } from '../index/segment.js';
import { conceptWeight } from './features.js';
import { ITEM_MARKER } from './listItems.js';
import { statesAskedFact, type Lexicon } from './lexicon.js';
import type { Concept, QueryPlan } from './plan.js';

/**
 * Step 6: the sentences of a passage that answer, quoted exactly as written,
 * with what they need around them: the item they belong to, the sentence
 * with the asked figure, the 出处 line. Pure.
 */

// A line may also start an item with an ASCII point (5.生均体育运动场馆面积); inside a line 5. is too often a decimal's.
// The restatement numbers its items 第1项：, 第2项：; plans enumerate with 一是…二是….
const ITEM_START = new RegExp(`^(?:${ITEM_MARKER.source}|\\d{1,2}\\.(?!\\d)|第\\d{1,2}项[：:]|[一二三四五六七八九十]{1,2}是)`, 'u');
/** An item marker inside a line, after a sentence or a colon: where a list item starts ("…第六条第（二）项" is a reference, not an item). */
const INLINE_ITEM = new RegExp(`(?<=[。；;：:])\\s*(?=${ITEM_MARKER.source})`, 'gu');

/** Sentences of a passage, each with its terminator; a list item starting mid-line begins a new sentence. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    for (const piece of line.split(INLINE_ITEM)) {
      // A closing quote or bracket right after the terminator (…活动。”) ends that sentence, not the next one.
      for (const m of piece.matchAll(/[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)]*)?|[。！？；!?;]+[”’」』）)]*/gu)) {
        const s = m[0].trim();
        if (s) out.push(s);
      }
    }
  }
  return out;
}

/**
 * The quoted sentences as the passage writes them: neighbours keep the line break or space between
 * them (a heading line and its first sentence), so the quote is found verbatim in the passage.
 */
export function quoteText(passage: string, sentences: readonly string[]): string {
  let out = '';
  let from = 0;
  let previousEnd = -1;
  for (const s of sentences) {
    const at = passage.indexOf(s, from);
    if (at < 0) return sentences.join('');
    const between = previousEnd >= 0 ? passage.slice(previousEnd, at) : '';
    out += /^\s*$/u.test(between) ? between + s : s;
    previousEnd = at + s.length;
    from = previousEnd;
  }
  return out;
}

/** A short line that only names a section ("1、注重课堂实效。", "（三）资源配置"): what answers comes after it. */
export function isHeadingLike(sentence: string, maxLength: number): boolean {
  const t = sentence.trim();
  // A numbered item line, or a short line that does not end as a sentence does (no 。！？；).
  const item = ITEM_START.test(t) && !/[，,]/u.test(t);
  const bare = !/[，,。！？；;!?]/u.test(t.replace(/[：:]$/u, ''));
  return t.length <= maxLength && (item || bare) && !/\d/u.test(t.replace(ITEM_START, ''));
}

export interface Quote {
  sentences: string[];
  /** Indexes of the question's concepts the quote contains. */
  covered: Set<number>;
}

function sentenceScore(sentence: string, concepts: readonly Concept[], weight: readonly number[]) {
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
 * The sentence covering most of the question (by IDF weight; a heading-like
 * line loses ties), then: what follows a heading or a "…如下：" while it
 * fits, the nearest sentence stating the asked kind of fact if the quote has
 * none, neighbours that add a concept or talk about the question nearly as
 * much, and the 出处 line after the quote.
 */
export function selectSentences(
  text: string,
  plan: QueryPlan,
  idf: (t: string) => number,
  lexicon: Lexicon,
  concepts: readonly Concept[] = plan.concepts,
): Quote {
  const sentences = sentencesOf(text);
  if (sentences.length === 0) return { sentences: [], covered: new Set() };
  const maxQuote = lexicon.pipeline.maxQuote;
  // Names (a school, a county) are usually inherited from the section: the answering sentence is the one with the topic.
  // So is a year: 2018—2020年 opens the item and 小学…公用经费分别为… states the figures of each year.
  const inherited = (c: Concept) => c.scope || plan.years.includes(c.forms[0]!);
  const topical = concepts.some((c) => c.key && !inherited(c));
  const weight = concepts.map((c) => (topical && inherited(c) ? 0 : conceptWeight(c, idf)));
  const scored = sentences.map((s) => sentenceScore(s, concepts, weight));
  // Between sentences equally on topic (a heading-like line loses ties), the one naming what the question names
  // wins: 全县…新建…音乐教室63个 over 全县…新建校舍, jieba tagging 新建 and 音乐教室 names.
  const named = topical ? sentences.map((s) => sentenceScore(s, concepts, concepts.map((c) => (inherited(c) ? conceptWeight(c, idf) : 0))).score) : sentences.map(() => 0);
  const heading = sentences.map((s) => isHeadingLike(s, lexicon.pipeline.headingMaxLength));
  const rank = (i: number) => scored[i]!.score - (heading[i] ? 0.01 : 0);
  const better = (i: number, j: number) => (rank(i) !== rank(j) ? rank(i) > rank(j) : named[i]! > named[j]!);
  let best = 0;
  for (let i = 1; i < sentences.length; i++) if (better(i, best)) best = i;

  const sourceLine = (t: string) => lexicon.sourceMarkers.some((m) => t.startsWith(`${m}：`) || t.startsWith(`${m}:`));
  const chosen = new Set([best]);
  const have = new Set(scored[best]!.covered);
  let length = sentences[best]!.length;
  const fits = (i: number) => length + sentences[i]!.length <= maxQuote;
  const add = (i: number) => {
    chosen.add(i);
    for (const k of scored[i]!.covered) have.add(k);
    length += sentences[i]!.length;
  };
  // A 出处 line names where its item comes from and states nothing: the item it closes is the answer.
  if (sourceLine(sentences[best]!)) {
    for (let i = best - 1; i >= 0 && !sourceLine(sentences[i]!) && fits(i); i--) {
      add(i);
      if (ITEM_START.test(sentences[i]!) || heading[i]) break;
    }
  }
  // After a heading or a colon the content follows: take it while it fits (a heading alone never answers).
  for (let i = best + 1; i < sentences.length; i++) {
    const previous = sentences[i - 1]!;
    // An enumeration goes on after a colon or a semicolon ("…两个前提：一是…；二是…").
    if (!chosen.has(i - 1) || !(heading[i - 1] || /[：:；;]$/u.test(previous)) || !fits(i)) break;
    add(i);
  }
  // A sentence inside an enumeration ("…两个前提：一是…；二是…") needs the line that opens it.
  for (const i of [best - 1, best - 2]) {
    if (i < 0 || !/[：:]$/u.test(sentences[i]!)) continue;
    let need = 0;
    for (let j = i; j < best; j++) need += sentences[j]!.length;
    if (length + need <= maxQuote) for (let j = i; j < best; j++) add(j);
    break;
  }
  const fact = plan.asked.kind ? lexicon.askedFacts.get(plan.asked.kind) : undefined;
  const statesFact = (i: number) => !fact || statesAskedFact(fact, sentences[i]!);
  if (fact && ![...chosen].some(statesFact)) {
    for (const i of [best + 1, best - 1, best + 2, best - 2]) {
      if (sentences[i] !== undefined && !chosen.has(i) && statesFact(i) && fits(i)) {
        add(i);
        // A formula or a list of figures often runs over several sentences: take them while they state the fact.
        for (let j = i + 1; j < sentences.length && !chosen.has(j) && statesFact(j) && fits(j); j++) add(j);
        break;
      }
    }
  }
  // A list item starts between i and best ("5.生均体育运动场馆面积：…" after item 4's last sentence): i is another item.
  const itemBetween = (i: number) => {
    const [lo, hi] = i < best ? [i + 1, best] : [best + 1, i];
    for (let j = lo; j <= hi; j++) if (ITEM_START.test(sentences[j]!)) return true;
    return false;
  };
  for (const i of [best + 1, best - 1, best + 2, best - 2]) {
    if (sentences[i] === undefined || chosen.has(i) || !fits(i) || itemBetween(i)) continue;
    // Only neighbours of what is already quoted: never a gap that runs two list items together.
    if (!chosen.has(i - 1) && !chosen.has(i + 1)) continue;
    const adds = [...scored[i]!.covered].some((k) => !have.has(k));
    const related = scored[best]!.score > 0 && scored[i]!.score >= lexicon.pipeline.relatedSentenceShare * scored[best]!.score;
    if (adds || related) add(i);
  }
  // A quote that opens by going on from the sentence before (若只有仪器设备一项…) takes that sentence along, within its item.
  const goesOn = (i: number) => !ITEM_START.test(sentences[i]!) && lexicon.dependentStarts.some((w) => sentences[i]!.startsWith(w));
  for (let i = Math.min(...chosen); i > 0 && goesOn(i) && fits(i - 1); i--) add(i - 1);
  // A quote that begins inside a list item keeps the item's lead line when it is a heading.
  const first = Math.min(...chosen);
  if (first > 0 && heading[first - 1] && !heading[first] && fits(first - 1)) add(first - 1);
  // Room left on the screen goes to the sentences right after the quote, then right before it, within the item:
  // the fact a question asks is often stated one sentence on from the words it shares with the question.
  for (let i = Math.max(...chosen) + 1; i < sentences.length && !ITEM_START.test(sentences[i]!) && !heading[i] && !sourceLine(sentences[i]!) && fits(i); i++) add(i);
  for (let i = Math.min(...chosen) - 1; i >= 0 && !ITEM_START.test(sentences[i + 1]!) && !heading[i] && fits(i); i--) add(i);
  const lastChosen = Math.max(...chosen);
  for (let i = lastChosen + 1; i <= lastChosen + 2 && i < sentences.length; i++) {
    if (sourceLine(sentences[i]!)) {
      for (let j = lastChosen + 1; j <= i; j++) chosen.add(j);
      break;
    }
  }
  return { sentences: [...chosen].sort((a, b) => a - b).map((i) => sentences[i]!), covered: have };
}
