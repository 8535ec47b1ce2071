import { cutWords, segmentWords, tagWords, type TaggedWord } from '../index/segment.js';
import type { Lexicon, UnitGroup } from './lexicon.js';
import { arabicQuantities } from './numerals.js';
import { itemReferences, type ItemReference } from './listItems.js';

/**
 * Step 1 of answering: what the question asks, computed once. Pure: the
 * corpus is seen only through document frequencies, typo repair through a
 * function the caller supplies.
 */

/** One thing a question asks about: a word with its document synonyms. */
export interface Concept {
  /** The word as the question has it (after typo repair), then its document forms. */
  forms: string[];
  /** A content word (noun, name, number, quoted phrase) without which a passage cannot answer. */
  key: boolean;
  /** A name (place, person, organisation, school): a passage may inherit it from its section. */
  scope: boolean;
  /** Sub-words of a long word (生均公用经费 → 生均, 公用经费) for text that splits it. */
  parts: string[];
  /** Where the word starts in the repaired question (for comparisons: which side it is on). */
  at: number;
  /** A place or organisation name (jieba ns/nt): if no passage mentions it, the documents are about somewhere else. */
  place: boolean;
  /** In the clause that holds the question word (每学期得交流多少老师), or anywhere when no clause has one. */
  asked: boolean;
  /** A noun (jieba n*, vn) or a quoted phrase: the kind of word an asked figure is about. */
  noun: boolean;
  /** A verb (jieba v*, not vn): what is asked about only when no passage holds it (抽查, 近视). */
  verb: boolean;
  /** Narrows a topic without being one (小学, 初中: function-words.yaml `qualifiers`; a word most passages hold, 学校). */
  qualifier: boolean;
}

export interface Repair {
  from: string;
  to: string;
  at: number;
  pinyin: string;
}

export interface QueryPlan {
  question: string;
  /** The question after typo repair (what everything below is computed from). */
  repaired: string;
  repairs: Repair[];
  /** The question's own words: NFKC, lower case, quantities in digits, question words and punctuation out. */
  plain: string;
  /** plain plus the document words of its everyday words: what the recall channels search. */
  expanded: string;
  concepts: Concept[];
  asked: {
    /** Kind of fact asked (asked-facts.yaml), or null. */
    kind: string | null;
    units: UnitGroup[];
    /** The measure word a figure is asked in (多少册 → 册, 几所 → 所), or null. */
    measure: string | null;
    /** How documents write that measure (几本 → 册, 本; written-measures.yaml); empty when any measure will do. */
    written: string[];
  };
  /** Numbers the question states (sizes, its own figures). */
  numbers: string[];
  /** Years the question names (2021年): a passage about other years does not state what was asked. */
  years: string[];
  /** Numbered items the question points at (第4条和第5条): a passage without them does not state what was asked. */
  items: ItemReference[];
  /** "调研报告里…": the words naming the document the question points into. */
  documentRef: string | null;
  /** Words of the document named anywhere in the question (整改方案给乡村学校… → 整改, 方案): which passages come from it. */
  documentWords: string[];
  /**
   * The question points at one local document or the place it is about (该县, 这个区的方案) and names no
   * national standard: the project's restatement of the standards cannot answer it.
   */
  localOnly: boolean;
  /** Administrative levels the question points at (区里, 这个县 → 区, 县): documents speaking of themselves at another level are about another place. */
  levels: string[];
  /**
   * Per alternatives group (优质均衡 / 基本均衡) of which the question names exactly one side: that side's
   * spellings and the other sides'. A section naming only another side is about something else.
   */
  alternatives: { named: string[]; others: string[] }[];
  /** Indexes into concepts of the two sides of a comparison (A和B有什么区别), or null. */
  comparison: [number[], number[]] | null;
  /** Two questions in one message: the key concepts of the first and of the rest, or null. */
  parts: [number[], number[]] | null;
  /**
   * Index into concepts of what the asked fact is about: the rarest noun of the asked clause
   * (班主任津贴一个月给多少 → 班主任; 学生食堂生均面积是多少 → 食堂), or null. Names and the
   * asker's own numbers are judged elsewhere.
   */
  head: number | null;
  /**
   * Index into concepts of the noun right after the asker (多少个教学班 → 教学班, 多少名专任教师 →
   * 专任教师), or null: the asked figure counts it, so it stands in the clause that states the figure.
   */
  counted: number | null;
}

export interface PlanContext {
  lexicon: Lexicon;
  /** Typo repair against the index vocabulary; identity when absent. */
  repair?: (question: string) => { text: string; repairs: Repair[] };
  /** Passages of the corpus holding a term: picks the head (below); without it the plan has none. */
  df?: (term: string) => number;
  /** Passages in the corpus: with df, words nearly every passage holds (学校) are qualifiers, no topic. */
  passages?: number;
}

/**
 * jieba tags of words that never carry a topic: prepositions, conjunctions,
 * particles, adverbs, pronouns, measure words, directions, interjections,
 * onomatopoeia, punctuation. Everything else (nouns, verbs, adjectives,
 * names, idioms, unknown words such as 优均) may.
 */
const FUNCTION_TAGS = new Set(['p', 'c', 'u', 'uj', 'ul', 'uz', 'ug', 'uv', 'ud', 'd', 'r', 'q', 'f', 'y', 'e', 'o', 'w', 'k', 'h', 'zg']);
/** Proper-name tags: places, persons, organisations (a passage may inherit them from its section). */
const NAME_TAGS = new Set(['nr', 'nrt', 'ns', 'nt']);
/** Places and organisations; jieba also tags colloquial words as person names (nr), so those never decide alone. */
const PLACE_TAGS = new Set(['ns', 'nt']);
/** Nouns, names and verbal nouns (jieba n, nr, ns, nt, nz, ng, vn). */
const NOUN_TAG = /^(?:n|vn$)/u;
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');

/**
 * A word of three or more characters the documents never use, made of a two-character document word and a rest
 * they do use (初中 + 班): its two parts; else null. A person's name starts with a one-character surname.
 */
function documentWordCompound(word: string, df: (t: string) => number): string[] | null {
  const chars = [...word];
  if (chars.length < 3 || df(word) > 0) return null;
  const head = chars.slice(0, 2).join('');
  const rest = chars.slice(2).join('');
  return df(head) > 0 && df(rest) > 0 ? [head, rest] : null;
}

/** "X里/中…" at the start of a question (markers: lexicon.documentRefMarkers), where X ends in a document kind. */
function documentRefPattern(lexicon: Lexicon): RegExp {
  return new RegExp(`^([^，,？?。\\s]{2,12}?)(?:${lexicon.documentRefMarkers.map(escape).join('|')})(?=[^，,？?。]{2,})`, 'u');
}

function normalise(text: string, lexicon: Lexicon): string {
  return arabicQuantities(text.normalize('NFKC').toLowerCase(), lexicon.measureWords);
}

/** The question with question words replaced by spaces, and the kind of fact they ask for (first, longest match wins). */
function stripQuestionWords(text: string, lexicon: Lexicon): { text: string; asks: string | null } {
  let asks: string | null = null;
  let out = text;
  // 几个学校咋共用 asks how several schools share, not how many: such a 几 is no question word.
  if (lexicon.indefiniteBefore.length > 0) {
    const how = lexicon.indefiniteBefore.map(escape).join('|');
    out = out.replace(new RegExp(`几(?!乎)(?=[^，,？?。；;！!\\s]*?(?:${how}))`, 'gu'), ' ');
  }
  for (const { word, asks: kind } of lexicon.questionWords) {
    if (!out.includes(word)) continue;
    if (kind !== null && (asks === null || (asks === 'figure' && kind !== 'figure'))) asks = kind;
    out = out.replaceAll(word, ' ');
  }
  // 管不管, 会不会用, 需不需要, 一样不一样, 去没去: a yes/no question made by saying the verb twice around 不 or 没;
  // the verb is kept once.
  out = out.replace(/(\p{Script=Han}{2})[不没]\1/gu, '$1').replace(/(\p{Script=Han})[不没]\1/gu, '$1');
  return { text: out, asks };
}

const PUNCTUATION = /[？?！!。，,、；;：:“”"'‘’（）()【】《》<>\s]+/gu;
/** What ends a clause as people type on a phone (a space often stands for a comma). */
const CLAUSE_BREAK = /[？?！!。，,；;\s]+/gu;

/** Which clauses (counted by CLAUSE_BREAK runs) hold a question word; every clause when none does. */
function askedClauses(lowered: string, lexicon: Lexicon): (clause: number) => boolean {
  const clauses = lowered.split(CLAUSE_BREAK);
  const asking = new Set(clauses.flatMap((c, i) => (lexicon.questionWords.some((q) => c.includes(q.word)) ? [i] : [])));
  return (clause) => asking.size === 0 || asking.has(clause);
}

/** The clause a position of the normalised question falls in (numerals turned to digits keep the punctuation). */
function clauseAt(normal: string, at: number): number {
  let clause = 0;
  for (const m of normal.matchAll(CLAUSE_BREAK)) {
    if (m.index >= at) break;
    clause++;
  }
  return clause;
}

/**
 * The rarest noun of the asked clause (see QueryPlan.head); words no passage
 * holds are the rarest. A verb no passage holds (近视率 cut as 近视/率要,
 * 抽查) is as telling as a noun: nothing in the corpus speaks of it. A verb
 * the passages do hold (托管, 过关) says how, not what, and is passed over.
 */
function headOf(concepts: readonly Concept[], df: (term: string) => number): number | null {
  let head: number | null = null;
  let fewest = Infinity;
  concepts.forEach((c, i) => {
    if (!c.key || c.scope || !c.asked || !(c.noun || c.verb) || /^\d/u.test(c.forms[0]!)) return;
    // A long word the documents split (音乐教室 / 音乐专用教室) is as common as its rarest part.
    const n = Math.max(...c.forms.map(df), c.parts.length > 1 ? Math.min(...c.parts.map(df)) : 0);
    if (c.verb && n > 0) return;
    if (n < fewest) [head, fewest] = [i, n];
  });
  return head;
}

/** Phrases inside “”, "", 「」 or 『』 (at least two characters), search-normalised. */
export function quotedPhrases(question: string): string[] {
  const out: string[] = [];
  for (const m of question.matchAll(/[“"「『]([^”"」』]{2,30})[”"」』]/gu)) {
    const phrase = m[1]!.normalize('NFKC').toLowerCase().trim();
    if (phrase.length >= 2 && !out.includes(phrase)) out.push(phrase);
  }
  return out;
}

/**
 * The word says the lexicon form: contains it (老师们 → 老师). A one-character form only as a whole word, doubled
 * or after a measure word (书, 娃娃, 本书): 书 in 教书 or 读书 is no book.
 */
function says(word: string, form: string, lexicon: Lexicon): boolean {
  if (form.length > 1) return word.includes(form);
  return word === form || word === form + form || (word.length === 2 && word.endsWith(form) && lexicon.measureWords.includes(word[0]!));
}

const phraseCache = new WeakMap<Lexicon, string[]>();

/** Offsets in the text where a segmented word starts or ends. */
function wordBoundaries(text: string): Set<number> {
  const out = new Set([0, text.length]);
  let at = 0;
  for (const w of cutWords(text)) {
    at += w.length;
    out.add(at);
  }
  return out;
}

const formCache = new WeakMap<Lexicon, string[]>();

/** Every everyday form of two or more characters (and the document forms of equivalent entries), longest first. */
export function everydayForms(lexicon: Lexicon): string[] {
  let out = formCache.get(lexicon);
  if (!out) {
    const forms = lexicon.synonyms.flatMap((e) => [...e.everyday, ...(e.equivalent ? e.document : [])]);
    out = [...new Set(forms)].filter((f) => f.length >= 2).sort((a, b) => b.length - a.length);
    formCache.set(lexicon, out);
  }
  return out;
}

/**
 * text[from, to) starts inside one word and ends at a word end, the words it covers whole being single
 * characters (评优/均 for 优均); or the mirror image. Such a cut leaves a character the segmenter could
 * not place, which the span takes back.
 */
function straddlesOrphans(text: string, from: number, to: number): boolean {
  const spans: Array<[number, number]> = [];
  let at = 0;
  for (const w of cutWords(text)) {
    spans.push([at, at + w.length]);
    at += w.length;
  }
  const inside = (x: number) => spans.find(([s, e]) => s < x && x < e);
  const boundary = (x: number) => x === 0 || x === text.length || spans.some(([s]) => s === x);
  const singles = (a: number, b: number) => a < b && spans.filter(([s, e]) => s >= a && e <= b).every(([s, e]) => e - s === 1);
  const left = inside(from);
  const right = inside(to);
  if (left && !right && boundary(to)) return singles(left[1], to);
  if (right && !left && boundary(from)) return singles(from, right[0]);
  return false;
}

/**
 * Everyday forms the segmenter cuts into several words (被借走 → 被/借/走, 村里学校 → 村里/学校), longest first: the
 * question is searched for them whole, or their document forms would never be reached word by word.
 */
function everydayPhrases(lexicon: Lexicon): string[] {
  let out = phraseCache.get(lexicon);
  if (!out) {
    const forms = lexicon.synonyms.flatMap((e) => [...e.everyday, ...(e.equivalent ? e.document : [])]);
    out = [...new Set(forms)].filter((f) => f.length >= 2 && tagWords(f).length > 1).sort((a, b) => b.length - a.length);
    phraseCache.set(lexicon, out);
  }
  return out;
}

/** The document forms of a word: entries whose everyday form the word says (and, for equivalent entries, the reverse). */
export function documentForms(word: string, lexicon: Lexicon): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    if (f !== word && !out.includes(f)) out.push(f);
  };
  for (const e of lexicon.synonyms) {
    if (e.everyday.some((w) => says(word, w, lexicon))) e.document.forEach(add);
    if (e.equivalent && e.document.some((w) => says(word, w, lexicon))) e.everyday.forEach(add);
  }
  return out;
}

export function planQuery(question: string, ctx: PlanContext): QueryPlan {
  const { lexicon } = ctx;
  const repairedRaw = ctx.repair ? ctx.repair(question) : { text: question, repairs: [] };
  const repaired = repairedRaw.text;
  const lowered = repaired.normalize('NFKC').toLowerCase();
  // Question words go before numerals turn into digits (哪一年 must not become 哪1年).
  const stripped = stripQuestionWords(lowered, lexicon);
  const normal = normalise(lowered, lexicon);
  const plain = normalise(stripped.text, lexicon).replace(PUNCTUATION, ' ').trim();

  const quoted = quotedPhrases(normal);
  const ref = documentRefPattern(lexicon).exec(normal);
  const documentRef =
    ref && !quoted.some((q) => ref[1]!.includes(q)) && lexicon.documentKinds.some((k) => ref[1]!.endsWith(k)) ? ref[1]! : null;
  const refWords = new Set(documentRef ? tagWords(documentRef).map((t) => t.word) : []);

  // A quoted phrase is one concept per part: documents punctuate names differently (“片联校、教师走教”).
  // It is quoted as written too: documents keep the numerals of a slogan (“六个统一”, not 6个统一).
  const verbatim = quotedPhrases(lowered);
  const partsOf = (q: string) => q.split(/[、，,；;\s]+/u).filter((part) => part.length >= 2);
  const concepts: Concept[] = quoted.flatMap((q, qi) => {
    const written = verbatim.length === quoted.length ? partsOf(verbatim[qi]!) : [];
    return partsOf(q).map((part, pi) => {
      const asWritten = written.length === partsOf(q).length && written[pi] !== part ? [written[pi]!] : [];
      return { forms: [...asWritten, part, ...documentForms(part, lexicon)], key: true, scope: false, parts: [], at: normal.indexOf(part), place: false, asked: true, noun: true, verb: false, qualifier: false };
    });
  });
  const quotedCount = concepts.length;
  const inAskedClause = askedClauses(lowered, lexicon);
  let rest = plain;
  for (const q of quoted) rest = rest.replaceAll(q, ' ');
  const phrases: Concept[] = [];
  // A phrase found whole is one key noun concept, at its place in the normalised question.
  const phraseAt = (forms: string[], written: string): Concept => {
    const at = normal.indexOf(written);
    return { forms, key: true, scope: false, parts: [], at, place: false, asked: at < 0 || inAskedClause(clauseAt(normal, at)), noun: true, verb: false, qualifier: false };
  };
  let sloganFree = normal;
  // 一个学生, 一个班 (1个学生 once numerals are digits) name the unit asked (生均, 每班), not a count of one: the
  // unit's forms, as a phrase that is no key topic (unitStated reads the unit) and no number to find.
  for (const unit of lexicon.units) {
    for (const form of unit.forms.filter((f) => /\d/u.test(f))) {
      if (!rest.includes(form)) continue;
      rest = rest.replaceAll(form, ' ');
      sloganFree = sloganFree.replaceAll(form, ' ');
      phrases.push({ ...phraseAt(unit.forms.filter((f) => !/\d/u.test(f)), form), key: false });
    }
  }
  // 三个课堂, 三个增长: a numbered slogan the documents write as it is, not a count of 3 (kept whole where a passage has it).
  for (const slogan of ctx.df ? numberedSlogans(lowered, ctx.df) : []) {
    const written = normalise(slogan, lexicon);
    if (!rest.includes(written)) continue;
    rest = rest.replace(written, ' ');
    sloganFree = sloganFree.replace(written, ' ');
    phrases.push(phraseAt([slogan], written));
  }
  for (const phrase of everydayPhrases(lexicon)) {
    const i = rest.indexOf(phrase);
    if (i < 0) continue;
    // Whole words only: 乡村/里/学校 holds no 村里学校. Segmented only for a phrase the question holds.
    const start = wordBoundaries(rest);
    if (!start.has(i) || !start.has(i + phrase.length)) continue;
    rest = `${rest.slice(0, i)} ${rest.slice(i + phrase.length)}`;
    phrases.push(phraseAt([phrase, ...documentForms(phrase, lexicon)], phrase));
  }
  // 评优均 is cut 评优/均: a lexicon form (优均) that takes the end of one word and the single characters
  // the segmenter left after it is that form; the character left over (评) carries no topic.
  for (const form of everydayForms(lexicon)) {
    const i = rest.indexOf(form);
    if (i < 0 || !straddlesOrphans(rest, i, i + form.length)) continue;
    rest = `${rest.slice(0, i)} ${rest.slice(i + form.length)}`;
    phrases.push(phraseAt([form, ...documentForms(form, lexicon)], form));
  }
  const seen = new Set(concepts.map((c) => c.forms[0]!));
  const ubiquitous = (word: string) => ctx.df !== undefined && ctx.passages !== undefined && ctx.passages > 0 && ctx.df(word) / ctx.passages >= lexicon.pipeline.ubiquitousShare;
  let cursor = 0;
  for (const tagged of placeNames(splitLocatives(tagWords(rest), lexicon, ctx.df), lexicon, ctx.df)) {
    // 娃们, 老师们: the plural suffix says nothing the documents' 学生, 教师 do not.
    const word = tagged.word.length >= 2 && tagged.word.endsWith('们') && !lexicon.stopwords.has(tagged.word) ? tagged.word.slice(0, -1) : tagged.word;
    const tag = lexicon.mistaggedNouns.has(word) ? 'n' : tagged.tag;
    if (lexicon.stopwords.has(word) || seen.has(word) || !/[\p{L}\p{N}]/u.test(word)) continue;
    seen.add(word);
    const isNumber = tag === 'm' && /\d/u.test(word);
    // Generic verbs (提出, 完善) stay key but weigh little: concepts are weighted by IDF.
    const content = tag === 'm' ? isNumber : !FUNCTION_TAGS.has(tag);
    const deictic = lexicon.levelWords.has(word);
    const key = content && !lexicon.frameNouns.has(word) && !refWords.has(word) && (word.length > 1 || isNumber);
    // jieba tags 初中班 (初中班额) a person's name: a document word and what follows it is no name.
    const compound = tag === 'nr' && ctx.df ? documentWordCompound(word, ctx.df) : null;
    const parts = compound ?? (word.length >= 4 ? segmentWords(word).filter((w) => w !== word && w.length >= 2) : []);
    const found = normal.indexOf(word, cursor);
    if (found >= 0) cursor = found;
    const at = found >= 0 ? found : normal.indexOf(word);
    concepts.push({
      forms: [word, ...documentForms(word, lexicon)],
      key,
      // 镇里, 县里 point at the place the documents are about (plan.levels); they name none.
      scope: key && !deictic && ((NAME_TAGS.has(tag) && !compound) || refWords.has(word)),
      parts,
      at,
      place: key && !deictic && PLACE_TAGS.has(tag),
      asked: at < 0 || inAskedClause(clauseAt(normal, at)),
      noun: NOUN_TAG.test(tag),
      verb: !NOUN_TAG.test(tag) && tag.startsWith('v'),
      qualifier: lexicon.qualifiers.has(word) || ubiquitous(word),
    });
  }
  // Everyday phrases take their place in the question's word order (the head's tie-break is that order).
  for (const p of phrases) {
    const after = concepts.findIndex((c, i) => i >= quotedCount && c.at > p.at);
    concepts.splice(after < 0 ? concepts.length : after, 0, p);
  }

  const expandedWords = new Set(plain.split(' ').filter(Boolean));
  for (const c of concepts) for (const f of c.forms.slice(1)) if (!plain.includes(f)) expandedWords.add(f);
  const expanded = [...expandedWords].join(' ');

  const levels = askedLevels(normal, lexicon);
  const units = lexicon.units.filter((u) => u.forms.some((f) => normal.includes(f)));
  // 哪几所 asks for names, 几点 for a time: only a figure question has a measure its answer must come in.
  const measure = stripped.asks === 'figure' ? askedMeasure(lowered, lexicon) : null;
  return {
    question,
    repaired,
    repairs: repairedRaw.repairs,
    plain,
    expanded,
    concepts,
    asked: { kind: stripped.asks, units, measure, written: measure === null ? [] : [...(lexicon.writtenMeasures.get(measure) ?? [measure])] },
    numbers: [...new Set(sloganFree.match(/\d+(?:\.\d+)?/gu) ?? [])],
    years: [...new Set([...normal.matchAll(/(?<!\d)((?:19|20)\d{2})\s*年/gu)].map((m) => m[1]!))],
    items: itemReferences(normal),
    documentRef,
    documentWords: segmentWords(documentRef ?? lexicon.documentPhrases.find((w) => normal.includes(w)) ?? '').filter((w) => w.length >= 2),
    localOnly: localOnly(normal, levels, lexicon),
    levels,
    alternatives: namedAlternatives(normal, lexicon),
    comparison: stripped.asks === 'comparison' || lexicon.eachMarkers.some((m) => normal.includes(m)) ? comparisonSides(normal, concepts, lexicon) : null,
    parts: questionParts(normal, concepts, refWords),
    head: ctx.df ? headOf(concepts, ctx.df) : null,
    counted: stripped.asks === 'figure' && ctx.df ? countedNoun(normal, concepts, lexicon, ctx.df) : null,
  };
}

/**
 * The question points into a local document: it says 该县 / 这个区的方案 and names no national standard, or it says
 * 区里 / 县里 together with a local document's kind (区里的优均方案), where 优均 only says what the plan is about;
 * unless it names the national side itself (整理稿, 国家) or sets the two side by side (和优均的要求一样吗, 分别).
 */
function localOnly(normal: string, levels: readonly string[], lexicon: Lexicon): boolean {
  const has = (words: readonly string[]) => words.some((w) => normal.includes(w));
  if (has(lexicon.localReferences) && !has(lexicon.nationalReferences)) return true;
  // 优均 names what the plan is about; 整理稿, 国家 name the national side itself (县里总结说的…整理稿认可吗).
  const nationalSide = has(lexicon.nationalSide);
  const compared = has(lexicon.eachMarkers) || lexicon.questionWords.some((q) => q.asks === 'comparison' && normal.includes(q.word));
  return levels.length > 0 && has(lexicon.localDocumentKinds) && !nationalSide && !compared;
}

/**
 * Levels whose question words the question holds, each starting a word (城区里 holds no 区里); or the level's
 * bare name as a word of its own before a local document's kind in the same clause (区优均方案, 市调研报告).
 */
function askedLevels(normal: string, lexicon: Lexicon): string[] {
  const candidates = lexicon.adminLevels.filter((l) => normal.includes(l.level));
  if (candidates.length === 0) return [];
  const starts = wordBoundaries(normal);
  const at = (w: string) => {
    for (let i = normal.indexOf(w); i >= 0; i = normal.indexOf(w, i + 1)) if (starts.has(i)) return true;
    return false;
  };
  const beforeDocument = (level: string) => {
    for (let i = normal.indexOf(level); i >= 0; i = normal.indexOf(level, i + 1)) {
      if (!starts.has(i) || !starts.has(i + level.length)) continue;
      const clause = normal.slice(i + level.length).split(CLAUSE_BREAK)[0] ?? '';
      if (lexicon.localDocumentKinds.some((k) => clause.includes(k))) return true;
    }
    return false;
  };
  return candidates.filter((l) => l.asked.some(at) || beforeDocument(l.level)).map((l) => l.level);
}

function namedAlternatives(normal: string, lexicon: Lexicon): QueryPlan['alternatives'] {
  return lexicon.alternatives.flatMap((sides) => {
    const named = sides.filter((side) => side.some((w) => normal.includes(w)));
    if (named.length !== 1) return [];
    return [{ named: [...named[0]!], others: sides.filter((side) => side !== named[0]).flat() }];
  });
}

/**
 * The two things compared: as many key concepts just before the first
 * connector (和, 与, 比 …) as just after it, the right side ending at a 的 the
 * left clause lacks. The rest is the shared topic (拜城县和轮台县的目标: the
 * sides are the counties, 目标 belongs to both).
 */
function comparisonSides(normal: string, concepts: readonly Concept[], lexicon: Lexicon): [number[], number[]] | null {
  const keys = concepts.map((c, i) => ({ c, i })).filter(({ c }) => c.key && c.at >= 0);
  for (const connector of lexicon.connectors) {
    for (let at = normal.indexOf(connector); at >= 0; at = normal.indexOf(connector, at + 1)) {
      const left = keys.filter(({ c }) => c.at + c.forms[0]!.length <= at).map(({ i }) => i);
      const right = keys.filter(({ c }) => c.at >= at + connector.length).map(({ i }) => i);
      // The sides are parallel: when the clause before the connector has no 的, a 的 after it ends the right side
      // (小学和初中的口径: 口径 is the shared topic, not a side); 小学的生均经费和初中的公用经费 keeps both phrases.
      const clause = normal.slice(0, at).split(CLAUSE_BREAK).at(-1)!;
      const end = at + connector.length;
      const link = lexicon.possessives.some((w) => clause.includes(w)) ? -1 : Math.min(...lexicon.possessives.map((w) => normal.indexOf(w, end)).filter((i) => i >= 0));
      const sides = link > end ? right.filter((i) => concepts[i]!.at < link) : right;
      const n = Math.min(left.length, sides.length);
      if (n > 0) return [left.slice(left.length - n), sides.slice(0, n)];
    }
  }
  return null;
}

/**
 * Two questions in one message (轮台县规划要求多少学时？优质均衡要求多少学时？): each part is answered
 * by the passage that best covers it (one passage may cover both). The key concepts before the first question mark against those
 * after it; null unless both hold one (盖了多少？ alone names nothing, it goes on from the first).
 */
function questionParts(normal: string, concepts: readonly Concept[], refWords: ReadonlySet<string>): [number[], number[]] | null {
  const mark = normal.search(/\?/u);
  if (mark < 0) return null;
  // A noun both parts name (培训, 学时 in 轮台…培训多少学时？优均对培训学时…) is their shared topic, in neither side.
  const rest = normal.slice(mark);
  // The document a part names (轮台的规划里…) tells the parts apart although its words are no key concepts.
  const keys = concepts
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => (c.key || refWords.has(c.forms[0]!)) && c.at >= 0 && !(c.noun && c.at < mark && c.forms.some((f) => rest.includes(f))));
  const first = keys.filter(({ c }) => c.at < mark).map(({ i }) => i);
  const second = keys.filter(({ c }) => c.at > mark).map(({ i }) => i);
  return first.length > 0 && second.length > 0 ? [first, second] : null;
}

const isNameCharacter = (w: TaggedWord, lexicon: Lexicon) =>
  /^\p{Script=Han}+$/u.test(w.word) && !FUNCTION_TAGS.has(w.tag) && w.tag !== 'm' && !lexicon.stopwords.has(w.word);

/**
 * 库车/市 → 库车市 (ns): the segmenter splits unknown place names from their administrative suffix.
 * 充国/小学, 充/国/小学 → 充国小学 (nt): a school's name is a word the documents use only in that name
 * (乡村 in 乡村小学 is not: the documents say 乡村 everywhere), so only where the corpus is known.
 */
/**
 * 算例/里甲/乙丙: a name no passage holds that starts with a locative right after a word is that word's
 * locative (算例里) and a fragment, not a place the documents would have to be about.
 */
function splitLocatives(words: readonly TaggedWord[], lexicon: Lexicon, df?: (term: string) => number): TaggedWord[] {
  if (!df) return [...words];
  return words.flatMap((w, i) => {
    const before = words[i - 1];
    const split = PLACE_TAGS.has(w.tag) && w.word.length >= 2 && lexicon.locatives.includes(w.word[0]!) && before !== undefined && /\p{Script=Han}$/u.test(before.word) && df(w.word) === 0;
    return split ? [{ word: w.word[0]!, tag: 'f' }, { word: w.word.slice(1), tag: 'x' }] : [w];
  });
}

function placeNames(words: readonly TaggedWord[], lexicon: Lexicon, df?: (term: string) => number): TaggedWord[] {
  const out: TaggedWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (next && lexicon.placeSuffixes.includes(next.word) && w.word.length >= 2 && /^n/u.test(w.tag) && !lexicon.stopwords.has(w.word)) {
      out.push({ word: w.word + next.word, tag: 'ns' });
      i++;
      continue;
    }
    // One word, or a run of single characters the segmenter broke an unknown name into.
    let end = i + 1;
    if (w.word.length === 1) while (end < words.length && words[end]!.word.length === 1 && isNameCharacter(words[end]!, lexicon)) end++;
    const suffix = words[end];
    const name = words.slice(i, end).map((x) => x.word).join('');
    const isName =
      df !== undefined && suffix !== undefined && lexicon.institutionSuffixes.includes(suffix.word) && name.length >= 2 &&
      words.slice(i, end).every((x) => isNameCharacter(x, lexicon)) && df(name + suffix.word) > 0 && df(name) === df(name + suffix.word);
    if (isName) {
      out.push({ word: name + suffix.word, tag: 'nt' });
      i = end;
    } else out.push(w);
  }
  return out;
}

/** Numeral + 个/项/大/条 + a noun (三个课堂, 九个坚持) that some passage contains word for word; the longest such. */
function numberedSlogans(lowered: string, df: (term: string) => number): string[] {
  const out: string[] = [];
  for (const m of lowered.matchAll(/[一二三四五六七八九十两]+[个项大条](?=\p{Script=Han}{2})/gu)) {
    const rest = lowered.slice(m.index + m[0].length);
    for (let n = 4; n >= 2; n--) {
      const slogan = m[0] + rest.slice(0, n);
      if (/^\p{Script=Han}+$/u.test(slogan) && df(slogan) > 0) {
        out.push(slogan);
        break;
      }
    }
  }
  return out;
}

/** See QueryPlan.counted: the key noun some passage holds that starts where a figure asker (and its measure word) ends. */
function countedNoun(normal: string, concepts: readonly Concept[], lexicon: Lexicon, df: (term: string) => number): number | null {
  const askers = lexicon.questionWords.filter((q) => q.asks === 'figure').map((q) => q.word).sort((a, b) => b.length - a.length);
  const measures = [...lexicon.measureWords].sort((a, b) => b.length - a.length);
  // 这几年, 哪几所 hold 几 without asking a figure; blanked to the same length so positions stay.
  let text = normal;
  for (const q of lexicon.questionWords) if (q.asks === null && askers.some((a) => q.word.includes(a))) text = text.replaceAll(q.word, ' '.repeat(q.word.length));
  for (const asker of askers) {
    for (let at = text.indexOf(asker); at >= 0; at = text.indexOf(asker, at + 1)) {
      let end = at + asker.length;
      end += measures.find((m) => text.startsWith(m, end))?.length ?? 0;
      // A word no passage holds (学识 typed for 学时) cannot be looked for in a clause.
      const i = concepts.findIndex((c) => c.at === end && c.key && c.noun && !c.scope && c.forms.some((f) => df(f) > 0));
      if (i >= 0) return i;
    }
  }
  return null;
}

/** 多少册 → 册, 几所 → 所, 多少万元 → 万元: the unit the asked figure must come in. */
function askedMeasure(lowered: string, lexicon: Lexicon): string | null {
  // 百分之多少 names its measure before the asker.
  const implied = lexicon.questionWords.find((q) => q.measure !== null && lowered.includes(q.word));
  if (implied) return implied.measure;
  const words = [...lexicon.measureWords].sort((a, b) => b.length - a.length);
  const askers = lexicon.questionWords.filter((q) => q.asks === 'figure').map((q) => q.word);
  // 这几年, 哪几所 hold 几 without asking for a figure in 年 or 所.
  for (const q of lexicon.questionWords) if (q.asks === null && askers.some((a) => q.word.includes(a))) lowered = lowered.replaceAll(q.word, ' ');
  for (const asker of askers) {
    for (let at = lowered.indexOf(asker); at >= 0; at = lowered.indexOf(asker, at + 1)) {
      const after = lowered.slice(at + asker.length);
      const w = words.find((x) => after.startsWith(x));
      if (w) return w;
    }
  }
  return null;
}

/** True when the question names something to look for: not 有什么要求？, not 初中呢？ alone. */
export function hasTopic(plan: QueryPlan): boolean {
  // 那初中呢 with nothing before it: a school level narrows a topic, it is none.
  return plan.concepts.some((c) => c.key && !c.qualifier);
}
