import { sectionWithinDocument } from '../answer/citation.js';
import type { Answer, AskedFact, Citation, DocumentKind, Fact, Quote, Suggestion } from '../answer/types.js';
import { block, line, richText, type Block, type Line } from '../present/blocks.js';
import { citationLine, sectionOf, truncate } from '../present/citation.js';
import { ANSWER, EXAMPLE_QUESTIONS, EXAMPLE_TOPICS, MAX_BUTTON_CHARS } from './texts.js';
import type { Button, Reply } from './types.js';
import { LEARN } from '../learn/dialogue.js';

/** The action of a 查看原文 / 看看 button: the engine shows the passage in full. */
export const SHOW = 'show:';
/** The action of an example-question button: the engine asks EXAMPLE_QUESTIONS[n]. */
export const ASK = 'ask:';

/**
 * An Answer as the user reads it, for every adapter: the blocks (lead, quotes,
 * 出处, or what is missing and where to look instead), their plain rendering,
 * and the buttons. Nothing here looks at text to decide what it is: the
 * answer's status, reason and citation kinds decide.
 */
export function answerReply(answer: Answer): Reply {
  const buttons = answerButtons(answer);
  return { ...richText(answerBlocks(answer)), ...(buttons.length > 0 ? { buttons } : {}) };
}

export function answerBlocks(answer: Answer): Block[] {
  const blocks = answerBody(answer);
  // 差异系树 looked up as 差异系数: said first, so a wrong repair is seen at once.
  return answer.understood && answer.understood.length > 0 && answer.reason.code !== 'off_topic'
    ? [block(line('note', ANSWER.understood(answer.understood))), ...blocks]
    : blocks;
}

function answerBody(answer: Answer): Block[] {
  if (answer.written && answer.written.sentences.length > 0) return writtenBlocks(answer, answer.written);
  if (answer.facts && answer.facts.length > 0) return factBlocks(answer, answer.facts);
  if (answer.reason.code === 'fact_missing' && answer.reason.asked.kind === 'uncovered') {
    return [block(line('text', ANSWER.uncovered(answer.reason.asked.label))), ...(answer.quotes.length > 0 ? [quoteBlock(answer, ANSWER.related), sourcesBlock(answer.citations)] : [])];
  }
  const quoted = answer.status !== 'not_found' && answer.quotes.length > 0;
  if (quoted && answer.status === 'answered') return [quoteBlock(answer, leadOf(answer)), sourcesBlock(answer.citations)];
  if (quoted) return [quoteBlock(answer, partialLead(answer)), sourcesBlock(answer.citations)];
  return notFoundBlocks(answer);
}

/** 查看原文 [n] for each citation on one row, then 看看：section for each suggestion not already cited, one per row. */
export function answerButtons(answer: Answer): Button[][] {
  const rows: Button[][] = [];
  // Sections of documents about something else would only mislead: offer questions the documents do answer.
  if (answer.reason.code === 'off_topic') return EXAMPLE_QUESTIONS.map((q, i) => [{ label: truncate(q, MAX_BUTTON_CHARS), action: `${ASK}${i}` }]);
  if (answer.status !== 'not_found' && answer.citations.length > 0) {
    rows.push(answer.citations.map((c, i) => ({ label: ANSWER.viewButton(i + 1), action: `${SHOW}${c.passageId}` })));
  }
  // An answer from the standards leads on to checking one's own school against all of them.
  if (answer.status === 'answered' && answer.facts && answer.facts.length > 0) rows.push([{ label: ANSWER.checklistButton, action: LEARN.checklist }]);
  const cited = new Set(answer.status === 'not_found' ? [] : answer.citations.map((c) => c.passageId));
  for (const s of answer.suggestions) {
    if (!cited.has(s.passageId)) rows.push([{ label: lookLabel(s), action: `${SHOW}${s.passageId}` }]);
  }
  return rows;
}

/** "看看：章节" (or the title when the passage has no section), at most MAX_BUTTON_CHARS characters, cut cleanly. */
export function lookLabel(s: Pick<Suggestion, 'title' | 'sectionPath'>): string {
  return truncate(ANSWER.lookButton(sectionOf(s) || `《${s.title}》`), MAX_BUTTON_CHARS);
}

function kindOf(answer: Answer, q: Quote): DocumentKind {
  return answer.citations[q.citation]?.kind ?? 'document';
}

/** Which sources the quotes come from: all documents, all restatement, or both. */
function sourceMix(answer: Answer): 'document' | 'restatement' | 'mixed' {
  const kinds = new Set(answer.quotes.map((q) => kindOf(answer, q)));
  return kinds.size > 1 ? 'mixed' : kinds.has('restatement') ? 'restatement' : 'document';
}

function leadOf(answer: Answer): string {
  const mix = sourceMix(answer);
  return mix === 'document' ? ANSWER.leadDocument : mix === 'restatement' ? ANSWER.leadRestatement : ANSWER.leadMixed;
}

function partialLead(answer: Answer): string {
  const mix = sourceMix(answer);
  const then = mix === 'document' ? ANSWER.partialDocument : mix === 'restatement' ? ANSWER.partialRestatement : ANSWER.partialMixed;
  if (answer.reason.code === 'fact_missing' && answer.reason.asked.kind === 'unknown') return `${ANSWER.partialUnknown(answer.reason.asked.label)}${then}`;
  const asked = answer.reason.code === 'fact_missing' ? askedText(answer.reason.asked) : null;
  return `${ANSWER.partial(asked)}${then}`;
}

/**
 * Facts as items, "· …" or numbered "[k] …" after `numberedFrom` passages (the
 * marks of an LLM answer). Facts from the same rule share one 依据 line,
 * after the last of them: a phone screen has no room for repeats.
 */
function factLines(facts: readonly Fact[], numberedFrom: number | null): Line[] {
  return facts.flatMap((f, i) => {
    const next = facts[i + 1];
    const sameNext = next !== undefined && next.source === f.source && next.unverified === f.unverified && next.unverifiedWhy === f.unverifiedWhy;
    // The data's own reason replaces the generic warning, unless a fact already says it (a note shown in full).
    const why = f.unverifiedWhy && !facts.some((o) => o.text.includes(f.unverifiedWhy!)) ? f.unverifiedWhy : null;
    const warning = why ? `（未经核实：${why.replace(/（此[项标准]+未经核实，请以原文为准）/u, '').replace(/。$/u, '')}；请以原文为准）` : ANSWER.unverified;
    const basis = sameNext ? [] : f.source ? [line('note', `　依据：${f.source}${f.unverified ? warning : ''}`)] : f.unverified ? [line('note', `　${warning}`)] : [];
    return [line('item', numberedFrom === null ? `· ${f.text}` : `[${numberedFrom + i + 1}] ${f.text}`), ...basis];
  });
}

/** Statements from the checklist data, each with the rule it comes from; the passage found is kept below as 相关原文. */
function factBlocks(answer: Answer, facts: readonly Fact[]): Block[] {
  // 基本均衡's 0.65 / 0.55 and the like: the data marks them unverified, so they are not called 国家标准.
  const lead = answer.status !== 'answered' ? ANSWER.noStandard : facts.every((f) => f.unverified) ? ANSWER.leadDataUnverified : ANSWER.leadData;
  const out = [block(line('lead', lead), ...factLines(facts, null))];
  if (answer.quotes.length > 0) out.push(quoteBlock(answer, ANSWER.related), sourcesBlock(answer.citations));
  return out;
}

const TERMINAL = /[。！？；;!?]$/u;

/**
 * A verified LLM answer: its sentences with their marks, then everything the
 * marks point at by the same numbers — the checklist facts (n+1…) with their
 * rules, the quotes and the passages' sources (1…n) — so each mark can be
 * checked on the screen.
 */
function writtenBlocks(answer: Answer, written: NonNullable<Answer['written']>): Block[] {
  const sentences = written.sentences.map((s) => {
    const marks = s.marks.map((m) => `[${m}]`).join('');
    const end = TERMINAL.exec(s.text)?.[0] ?? '。';
    return line('text', `${s.text.replace(TERMINAL, '')}${marks}${end}`);
  });
  const out = [block(line('lead', ANSWER.leadWritten), ...sentences)];
  const facts = answer.facts ?? [];
  if (facts.length > 0) out.push(block(line('lead', ANSWER.writtenFacts), ...factLines(facts, answer.citations.length)));
  if (answer.quotes.length > 0) out.push(quoteBlock(answer, ANSWER.writtenQuotes), sourcesBlock(answer.citations));
  return out;
}

function quoteBlock(answer: Answer, lead: string): Block {
  const mixed = sourceMix(answer) === 'mixed';
  const quotes = answer.quotes.map((q) => {
    const label = !mixed ? '' : kindOf(answer, q) === 'restatement' ? ANSWER.quoteRestatement : ANSWER.quoteDocument;
    return line('quote', `${label}“${q.text}”[${q.citation + 1}]`);
  });
  return block(line('lead', lead), ...quotes);
}

function sourcesBlock(citations: readonly Citation[]): Block {
  return block(line('heading', ANSWER.sources), ...citations.map((c, i) => line('citation', citationLine(i + 1, c))));
}

function suggestionsBlock(suggestions: readonly Suggestion[]): Block[] {
  if (suggestions.length === 0) return [];
  const lines: Line[] = suggestions.map((s) => {
    const section = sectionOf(s);
    return line('suggestion', `· 《${s.title}》${section ? ` · ${section}` : ''}`);
  });
  return [block(line('text', ANSWER.closest), ...lines)];
}

function notFoundBlocks(answer: Answer): Block[] {
  const r = answer.reason;
  switch (r.code) {
    case 'off_topic':
      return [block(line('text', ANSWER.offTopic), ...EXAMPLE_QUESTIONS.map((q) => line('suggestion', `· ${q}`)))];
    case 'no_topic':
      return [block(line('text', ANSWER.noTopic(topicsOf(answer.suggestions))), line('text', ANSWER.noTopicHint))];
    case 'scope_missing':
      if (r.missing.length > 0) return [block(line('text', ANSWER.scopeMissing(r.missing))), ...suggestionsBlock(answer.suggestions)];
      break;
    case 'fact_missing':
      return [block(line('text', ANSWER.factMissing(askedText(r.asked)))), ...suggestionsBlock(answer.suggestions)];
    default:
      break;
  }
  return [block(line('text', ANSWER.noMatch)), ...suggestionsBlock(answer.suggestions)];
}

const ITEM_MARKER = /^(?:第[一二三四五六七八九十百]+[篇章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[①-⑳])\s*/u;

/**
 * Two or three topics to offer a question that names none: the headings of
 * the closest sections ("5.生均体育运动场馆面积" → 生均体育运动场馆面积), topped
 * up with generic examples.
 */
export function topicsOf(suggestions: readonly Suggestion[]): string[] {
  const topics: string[] = [];
  const add = (t: string) => {
    if (topics.length < 3 && !topics.includes(t)) topics.push(t);
  };
  for (const s of suggestions) {
    const heading = sectionWithinDocument(s.title, s.sectionPath).at(-1);
    const topic = heading?.replace(ITEM_MARKER, '').split(/[：:，,。；;（(]/u)[0]!.trim();
    if (topic && [...topic].length >= 2 && [...topic].length <= 16) add(topic);
  }
  for (const t of EXAMPLE_TOPICS) add(t);
  return topics;
}

/** What the user is told is missing: 按生均计的数字, 2021年的情况, 时间（年份或日期）. */
function askedText(asked: AskedFact): string {
  if (asked.kind === 'unit') return ANSWER.askedUnit(asked.label);
  if (asked.kind === 'years') return ANSWER.askedYear(asked.label);
  if (asked.kind === 'scope') return ANSWER.askedScope(asked.label);
  if (asked.kind === 'items') return ANSWER.askedItems(asked.label);
  return asked.label;
}
