import { statesAskedFact, type AdminLevel, type Lexicon } from './lexicon.js';
import type { Concept, QueryPlan } from './plan.js';
import { ITEM_MARKERS, itemNumbers } from './listItems.js';
import { sentencesOf } from './quote.js';
import { percentsAsDigits } from './numerals.js';

/**
 * What the reranker and the answerability score read of a candidate passage.
 * Pure: every value is a share in [0, 1] or a 0/1 flag, computed from the
 * plan, the passage's search-normalised texts and the corpus IDF.
 */

/** A passage's searchable text and its surroundings, search-normalised. */
export interface CandidateTexts {
  text: string;
  /** Document title and section path. */
  heading: string;
  /** Section path only, one heading per line (outermost first). */
  section: string;
  /** Heading plus the section intro and the end of the previous passage. */
  context: string;
  /** Per administrative level, the share of its document's words for itself at that level (我县, 全区); empty when it has none. */
  levels?: ReadonlyMap<string, number>;
}

/** 0-based ranks of a candidate in each recall channel (null: not returned by it). */
export interface ChannelRanks {
  word: number | null;
  bigram: number | null;
  vector: number | null;
}

/** Score of a candidate in each channel relative to the channel's best (0 when absent). */
export interface ChannelShares {
  word: number;
  bigram: number;
  vector: number;
}

export const CANDIDATE_FEATURES = [
  'coverage',
  'focus',
  'headingOnly',
  'contextOnly',
  'about',
  'keyInText',
  'keyInWindow',
  'unitStated',
  'factStated',
  'scopeFound',
  'documentMatch',
  'factNear',
  'numbersFound',
  'yearsFound',
  'itemsFound',
  'otherAlternative',
  'frameInSection',
  'countedNear',
  'levelMatch',
  'measureStated',
  'keyInSentence',
  'charsInSentence',
  'rankWord',
  'rankBigram',
  'rankVector',
  'scoreWord',
  'scoreBigram',
  'scoreVector',
] as const;
export type CandidateFeature = (typeof CANDIDATE_FEATURES)[number];
export type CandidateFeatures = Record<CandidateFeature, number>;

interface Weighted {
  forms: readonly string[];
  parts: readonly string[];
  w: number;
}

/** IDF weight of a concept: as its most common form, so 孩子 matched by 学生 does not count as a rare word. */
export function conceptWeight(c: Pick<Concept, 'forms'>, idf: (t: string) => number): number {
  return Math.min(...c.forms.map(idf));
}

const has = (text: string, c: Weighted) => c.forms.some((f) => text.includes(f)) || (c.parts.length > 1 && c.parts.every((p) => text.includes(p)));

/** The text (search-normalised) holds the concept: one of its forms, or all the parts of a long word. */
export const conceptIn = (text: string, c: Pick<Concept, 'forms' | 'parts'>): boolean => has(text, { forms: c.forms, parts: c.parts, w: 0 });

/** Largest weight share of concepts that occur within `width` characters of each other. */
export function bestWindowShare(text: string, concepts: readonly Weighted[], total: number, width: number): number {
  if (total <= 0) return 0;
  const hits: { pos: number; end: number; k: number }[] = [];
  concepts.forEach((c, k) => {
    for (const f of c.forms.length > 0 ? c.forms : []) {
      for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) hits.push({ pos: i, end: i + f.length, k });
    }
  });
  hits.sort((a, b) => a.pos - b.pos);
  const count = new Map<number, number>();
  let sum = 0;
  let best = 0;
  let lo = 0;
  for (const h of hits) {
    if ((count.get(h.k) ?? 0) === 0) sum += concepts[h.k]!.w;
    count.set(h.k, (count.get(h.k) ?? 0) + 1);
    while (h.end - hits[lo]!.pos > width) {
      const k = hits[lo]!.k;
      count.set(k, count.get(k)! - 1);
      if (count.get(k) === 0) sum -= concepts[k]!.w;
      lo++;
    }
    best = Math.max(best, sum);
  }
  return best / total;
}

/** Shares of the question's weight found in the passage text, only in its heading, only in its context. */
function shares(texts: CandidateTexts, concepts: readonly Weighted[]) {
  const total = concepts.reduce((s, c) => s + c.w, 0);
  if (total === 0) return { total, inText: 0, headingOnly: 0, contextOnly: 0, about: 0 };
  let inText = 0;
  let headingOnly = 0;
  let contextOnly = 0;
  let about = 0;
  for (const c of concepts) {
    if (has(texts.text, c)) inText += c.w;
    else if (has(texts.heading, c)) headingOnly += c.w;
    else if (has(texts.context, c)) contextOnly += c.w;
    if (has(texts.section, c)) about += c.w;
  }
  return { total, inText: inText / total, headingOnly: headingOnly / total, contextOnly: contextOnly / total, about: about / total };
}

/** Does the passage state the kind of fact asked (a year for 哪一年, a figure for 多少)? */
export function factStated(plan: QueryPlan, text: string, lexicon: Lexicon): boolean {
  const kind = plan.asked.kind;
  if (kind === null) return true;
  const fact = lexicon.askedFacts.get(kind);
  // A list item's number （3） states no figure.
  const body = text.replace(ITEM_MARKERS, ' ');
  return !fact || statesAskedFact(fact, body);
}

/** Unit groups asked (生均, 每月 …) that the passage never states. */
export function missingUnits(plan: QueryPlan, text: string): string[] {
  return plan.asked.units.filter((u) => !u.forms.some((f) => text.includes(f))).map((u) => u.label);
}

/** Scope concepts (names) found neither in the passage nor in what precedes it. */
export function missingScope(plan: QueryPlan, texts: CandidateTexts): string[] {
  // Matched like any concept, by a form or all of its parts (jieba tags 音乐教室 a name; the text says 音乐专用教室).
  const found = (c: Concept) => [texts.text, texts.context].some((t) => has(t, { forms: c.forms, parts: c.parts, w: 0 }));
  return plan.concepts.filter((c) => c.scope && !found(c)).map((c) => c.forms[0]!);
}

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');

/** 2018—2020年…分别为 covers 2019: the year lies in a range the text states (—, -, ~, 至, 到). */
export function inYearRange(text: string, year: string): boolean {
  const y = Number(year);
  for (const m of text.matchAll(/((?:19|20)\d{2})\s*年?\s*(?:[—–\-－~～]+|至|到)\s*((?:19|20)\d{2})/gu)) {
    if (Number(m[1]) < y && y < Number(m[2])) return true;
  }
  return false;
}

/** The text holds a figure in one of the written forms of the asked measure (3册 for 几本, 12所, 2.5万元, 两间); true when any measure will do. */
export function statesMeasure(text: string, written: readonly string[]): boolean {
  if (written.length === 0) return true;
  // 2014年 is a date, not a number of years; 每一位 (each) and 第3名 (an ordinal) count nothing.
  return new RegExp(`(?<![每第])(?:(?<![\\d.])(?!(?:19|20)\\d{2}\\s*年)\\d+(?:\\.\\d+)?|(?<![一二三四五六七八九十百千两])[一二三四五六七八九十百千两]+)\\s*(?:${written.map(escape).join('|')})`, 'u').test(percentsAsDigits(text));
}

/**
 * The largest key-topic share of two adjacent sentences that also state the
 * asked fact: the answer is where the topic and the figure meet, not a figure
 * anywhere in a passage that mentions the topic.
 */
export function factNearTopic(plan: QueryPlan, sentences: readonly string[], key: readonly Weighted[], lexicon: Lexicon): number {
  const total = key.reduce((s, c) => s + c.w, 0);
  let best = 0;
  for (let i = 0; i < sentences.length; i++) {
    const piece = sentences[i]! + (sentences[i + 1] ?? '');
    if (!factStated(plan, piece, lexicon)) continue;
    const share = total === 0 ? 1 : key.reduce((s, c) => s + (has(piece, c) ? c.w : 0), 0) / total;
    best = Math.max(best, share);
  }
  return best;
}

/** The largest key-topic share within one sentence: an answer states its topic in one place. */
export function keyInSentence(sentences: readonly string[], key: readonly Weighted[]): number {
  const total = key.reduce((s, c) => s + c.w, 0);
  if (total === 0) return 1;
  let best = 0;
  for (const sentence of sentences) best = Math.max(best, key.reduce((s, c) => s + (has(sentence, c) ? c.w : 0), 0) / total);
  return best;
}

/**
 * The largest weighted share of the key concepts' characters found in one sentence: an abbreviation
 * (控辍 for 控制辍学) or a word split differently still shares its characters with the answer.
 */
export function charsInSentence(sentences: readonly string[], key: readonly Weighted[]): number {
  const total = key.reduce((s, c) => s + c.w, 0);
  if (total === 0) return 1;
  const chars = key.map((c) => [...new Set([...(c.forms[0] ?? '')].filter((ch) => /\p{Script=Han}/u.test(ch)))]);
  let best = 0;
  for (const sentence of sentences) {
    let share = 0;
    key.forEach((c, i) => {
      const cs = chars[i]!;
      if (cs.length > 0) share += (c.w * cs.filter((ch) => sentence.includes(ch)).length) / cs.length;
    });
    best = Math.max(best, share / total);
  }
  return best;
}

/** The number as a whole number in the text: 3 is not in 99.83%, 2020 is in 2018—2020年. */
export function containsNumber(text: string, n: string): boolean {
  return new RegExp(`(?<![\\d.])${escape(n)}(?![\\d.]*\\d)`, 'u').test(text);
}

/**
 * The nearest heading that names a side of an alternatives group names only another side than the
 * question (问优均; the passage sits under 六、基本均衡…的评估内容, in a document whose title names both): 1, else 0.
 */
function otherAlternative(plan: QueryPlan, texts: CandidateTexts): number {
  if (plan.alternatives.length === 0) return 0;
  const headings = texts.section.split('\n').reverse();
  const elsewhere = plan.alternatives.some((a) => {
    const nearest = headings.find((h) => a.named.some((w) => h.includes(w)) || a.others.some((w) => h.includes(w)));
    return nearest !== undefined && !a.named.some((w) => nearest.includes(w));
  });
  return elsewhere ? 1 : 0;
}

/**
 * The passage's nearest heading holds a frame noun of the question (优均总共多少项指标 → …32项指标;
 * 哪8项指标 → （二）计算综合差异系数的8项指标): 1, else 0. Frame nouns name the kind of answer, and documents
 * title their parts by it. Only the nearest heading: 二、总体要求 above a whole chapter says little of one passage.
 */
function frameInSection(plan: QueryPlan, texts: CandidateTexts, lexicon: Lexicon): number {
  const frames = plan.concepts.filter((c) => !c.key && lexicon.frameNouns.has(c.forms[0]!));
  if (frames.length === 0) return 0;
  const nearest = texts.section.slice(texts.section.lastIndexOf('\n') + 1);
  return frames.some((c) => c.forms.some((f) => nearest.includes(f))) ? 1 : 0;
}

/**
 * One clause of the passage names what the question counts and states a figure (in the asked measure
 * when there is one): 1, else 0. 设了多少个教学班 is not answered by 新增学位4320个. 1 when nothing is counted.
 */
export function countedNear(plan: QueryPlan, text: string): number {
  const counted = plan.counted === null ? undefined : plan.concepts[plan.counted];
  if (!counted) return 1;
  const clauses = text.replace(ITEM_MARKERS, ' ').split(/[，,。；;！!？?\n]/u);
  const figure = (clause: string) => (plan.asked.written.length > 0 ? statesMeasure(clause, plan.asked.written) : /\d/u.test(clause));
  return clauses.some((clause) => conceptIn(clause, counted) && figure(clause)) ? 1 : 0;
}

/** Every item the question points at (第4条) is one the passage holds, in its text or section path (not the previous passage's end). */
function itemsFound(plan: QueryPlan, texts: CandidateTexts): number {
  if (plan.items.length === 0) return 1;
  const held = itemNumbers(`${texts.text}\n${texts.section}`);
  return plan.items.every((r) => held.has(r.n)) ? 1 : 0;
}

const rankShare = (r: number | null) => (r === null ? 0 : 1 / (1 + r));

export function candidateFeatures(
  plan: QueryPlan,
  texts: CandidateTexts,
  ranks: ChannelRanks,
  idf: (t: string) => number,
  lexicon: Lexicon,
  scores: ChannelShares = { word: 0, bigram: 0, vector: 0 },
): CandidateFeatures {
  // A long word the text splits (音乐教室 / 音乐专用教室) is looked for by its parts in the windows too.
  const windowForms = (c: Concept) =>
    c.parts.length > 1 && !c.forms.some((f) => texts.text.includes(f)) && c.parts.every((p) => texts.text.includes(p)) ? c.parts : c.forms;
  const all: Weighted[] = plan.concepts.map((c) => ({ forms: windowForms(c), parts: c.parts, w: conceptWeight(c, idf) }));
  const key = plan.concepts.flatMap((c, i) => (c.key && !c.scope ? [all[i]!] : []));
  const a = shares(texts, all);
  const k = shares(texts, key);
  const width = lexicon.pipeline.focusWindow;
  const sentences = sentencesOf(texts.text);
  // 整改方案 names 《小学义务教育均衡发展整改工作实施方案》: each of its words in the title or section path.
  const docWords = plan.documentWords;
  return {
    coverage: a.inText,
    focus: bestWindowShare(texts.text, all, a.total, width),
    headingOnly: a.headingOnly,
    contextOnly: a.contextOnly,
    about: a.about,
    // A question whose topic words are all names has nothing more to find.
    keyInText: k.total === 0 ? 1 : k.inText + k.headingOnly,
    keyInWindow: k.total === 0 ? 1 : bestWindowShare(texts.text, key, k.total, width) + k.headingOnly,
    unitStated: missingUnits(plan, texts.text).length === 0 ? 1 : 0,
    factStated: factStated(plan, texts.text, lexicon) ? 1 : 0,
    scopeFound: missingScope(plan, texts).length === 0 ? 1 : 0,
    documentMatch: docWords.length > 0 && docWords.every((w) => texts.heading.includes(w)) ? 1 : 0,
    factNear: factNearTopic(plan, sentences, key, lexicon),
    numbersFound: plan.numbers.length === 0 ? 1 : plan.numbers.filter((n) => containsNumber(texts.text, n) || containsNumber(texts.context, n)).length / plan.numbers.length,
    // People count in their own measure words (几个娃, 几本书) where documents write 人, 册: a feature, not a gate.
    measureStated: statesMeasure(texts.text, plan.asked.written) ? 1 : 0,
    yearsFound: plan.years.every((y) => [texts.text, texts.context].some((t) => containsNumber(t, y) || inYearRange(t, y))) ? 1 : 0,
    itemsFound: itemsFound(plan, texts),
    otherAlternative: otherAlternative(plan, texts),
    frameInSection: frameInSection(plan, texts, lexicon),
    countedNear: countedNear(plan, texts.text),
    // 区里… asks a district's plan: a county's report that calls itself 我县 throughout is about another place.
    levelMatch: plan.levels.length === 0 ? 1 : Math.max(...plan.levels.map((l) => texts.levels?.get(l) ?? 0)),
    keyInSentence: keyInSentence(sentences, key),
    charsInSentence: charsInSentence(sentences, key),
    rankWord: rankShare(ranks.word),
    rankBigram: rankShare(ranks.bigram),
    rankVector: rankShare(ranks.vector),
    scoreWord: scores.word,
    scoreBigram: scores.bigram,
    scoreVector: scores.vector,
  };
}

const escapeAll = (words: readonly string[]) => words.map(escape).sort((a, b) => b.length - a.length).join('|');

/** Per level, the share of a document's words for itself (我县, 全区 …) that are at that level; empty when it has none. */
export function documentLevels(texts: Iterable<string>, levels: readonly AdminLevel[]): Map<string, number> {
  const levelOf = new Map(levels.flatMap(({ level, self }) => self.map((w) => [w, level] as const)));
  if (levelOf.size === 0) return new Map();
  // One scan per text for all the words.
  const pattern = new RegExp(escapeAll([...levelOf.keys()]), 'gu');
  const counts = new Map<string, number>();
  let total = 0;
  for (const text of texts) {
    for (const m of text.matchAll(pattern)) {
      const level = levelOf.get(m[0])!;
      counts.set(level, (counts.get(level) ?? 0) + 1);
      total++;
    }
  }
  return new Map([...counts].map(([level, n]) => [level, n / total]));
}

/** Share of the key concepts' weight the corpus never mentions (a question about 校医 in documents without one). */
export function unknownKeyShare(plan: QueryPlan, df: (t: string) => number, idf: (t: string) => number): number {
  const key = plan.concepts.filter((c) => c.key);
  const total = key.reduce((s, c) => s + conceptWeight(c, idf), 0);
  if (total === 0) return 0;
  const unknown = key.filter((c) => c.forms.every((f) => df(f) === 0) && !(c.parts.length > 1 && c.parts.every((p) => df(p) > 0)));
  return unknown.reduce((s, c) => s + conceptWeight(c, idf), 0) / total;
}
