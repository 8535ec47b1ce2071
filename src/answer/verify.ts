import {
  documentNumbers,
  materialNumberKeys,
  numberKey,
  numberTokens,
  type NumberWords,
  sameDocumentNumber,
  stripListPrefix,
  type DocumentNumber,
} from './numberTokens.js';

/**
 * The grounding check of an LLM answer, before a user sees a word of it
 * (docs/llm.md): every sentence cites given materials, every figure stands in
 * a material it cites, quotes are verbatim and titles were given. Pure.
 */

/** One numbered material the model was given: a passage, or a checklist fact or computed figure. */
export interface Material {
  mark: number;
  kind: 'passage' | 'fact';
  title: string;
  text: string;
}

/** A sentence of the answer: its text as written without the citation marks, and the marks. */
export interface WrittenSentence {
  text: string;
  marks: number[];
}

/** What is wrong with an answer; `index` counts the sentences from 1, `cited` are the given marks the sentence cites. */
export type GroundingProblem =
  | { code: 'empty' }
  | { code: 'no_citation'; index: number; sentence: string }
  | { code: 'unknown_mark'; index: number; sentence: string; mark: number }
  | { code: 'unsupported_number'; index: number; sentence: string; cited: number[]; number: string }
  | { code: 'not_verbatim'; index: number; sentence: string; cited: number[]; quote: string }
  | { code: 'unknown_title'; index: number; sentence: string; title: string };

export interface GroundingResult {
  ok: boolean;
  sentences: WrittenSentence[];
  problems: GroundingProblem[];
}

/** [1], [1][3], [1,3], [1、3], 【2】, ［２］: one or two digits, so 教督[2017]6号 is no mark. */
const MARK_SOURCE = String.raw`[\[［【]\s*([0-9０-９]{1,2}(?:\s*[,，、]\s*[0-9０-９]{1,2})*)\s*[\]］】]`;
const MARK_AT = new RegExp(MARK_SOURCE, 'uy');
const MARKS = new RegExp(MARK_SOURCE, 'gu');
const TERMINATOR = new Set([...'。！？；;!?']);
const QUOTE_CLOSER: Record<string, string> = { '“': '”', '‘': '’', '「': '」', '『': '』', '《': '》' };
/** What may follow a sentence end and still belong to it: more terminators, closing quotes and brackets. */
const TRAILING = /[。！？；;!?”’」』》）)\s]/u;
const CONTENT = /[\p{L}\p{N}]/u;

/**
 * Pieces of one line, each ending at a terminator outside quotes (a quote
 * ending in 。” ends the sentence with it), with the marks and closing
 * punctuation that follow it: "……96平方米。[1]" is one piece.
 */
function splitLine(line: string): string[] {
  const pieces: string[] = [];
  const open: string[] = [];
  let start = 0;
  let i = 0;
  let previous = '';
  while (i < line.length) {
    MARK_AT.lastIndex = i;
    const mark = MARK_AT.exec(line);
    if (mark) {
      i += mark[0].length;
      continue;
    }
    const ch = line[i]!;
    const closesQuote = open.length > 0 && ch === open.at(-1);
    if (closesQuote) open.pop();
    else if (ch === '"') open.push('"');
    else if (ch in QUOTE_CLOSER) open.push(QUOTE_CLOSER[ch]!);
    i++;
    const ends = open.length === 0 && (TERMINATOR.has(ch) || (closesQuote && TERMINATOR.has(previous)));
    if (!/\s/u.test(ch)) previous = ch;
    if (!ends) continue;
    for (;;) {
      MARK_AT.lastIndex = i;
      const after = MARK_AT.exec(line);
      if (after) i += after[0].length;
      else if (i < line.length && TRAILING.test(line[i]!)) i++;
      else break;
    }
    pieces.push(line.slice(start, i));
    start = i;
  }
  if (start < line.length) pieces.push(line.slice(start));
  return pieces;
}

function marksOf(piece: string): number[] {
  const marks: number[] = [];
  for (const m of piece.matchAll(MARKS)) {
    for (const d of m[1]!.split(/[,，、]/u)) marks.push(Number(d.trim().normalize('NFKC')));
  }
  return marks;
}

/**
 * The sentences of an answer with their citation marks. Sentences end at
 * 。！？；!? and line ends; marks may stand before or after the final
 * punctuation, and a line of marks alone belongs to the sentence before it.
 * List markers at a line start (1. （一） - 第一，) and markdown bold are layout
 * and dropped; a line with no words (a bare marker) is no sentence.
 */
export function parseWritten(text: string): WrittenSentence[] {
  const sentences: WrittenSentence[] = [];
  for (const rawLine of text.split(/\r?\n/u)) {
    const line = stripListPrefix(rawLine.replace(/\*\*/gu, ''));
    for (const piece of splitLine(line)) {
      const marks = marksOf(piece);
      const body = piece
        .replace(MARKS, '')
        .replace(/\s+(?=[。！？；;!?，,、：:”’」』）)])/gu, '')
        .trim();
      if (CONTENT.test(body)) sentences.push({ text: body, marks });
      else if (marks.length > 0 && sentences.length > 0) sentences.at(-1)!.marks.push(...marks);
    }
  }
  return sentences;
}

/**
 * Text compared for quotes and titles: NFKC (full/half width), no whitespace,
 * one form for each bracket, quotation mark, dash and ellipsis.
 */
function loose(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, '')
    .replace(/[〔【[(〖]/gu, '(')
    .replace(/[〕】\])〗]/gu, ')')
    .replace(/[“”‘’"'「」『』]/gu, '"')
    .replace(/。/gu, '.')
    .replace(/[—–－-]+/gu, '-')
    .replace(/\.{3,}/gu, '…');
}

const EDGE_PUNCTUATION = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/** Quoted spans at the top level of a sentence (“…” ‘…’ 「…」 『…』 "…"); an unclosed quote runs to the end. */
function quotesOf(text: string): string[] {
  const out: string[] = [];
  const open: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (open.length > 0 && ch === open.at(-1)) {
      open.pop();
      if (open.length === 0) out.push(text.slice(from, i));
    } else if (ch === '"' || (ch in QUOTE_CLOSER && ch !== '《')) {
      if (open.length === 0) from = i + 1;
      open.push(ch === '"' ? '"' : QUOTE_CLOSER[ch]!);
    }
  }
  if (open.length > 0) out.push(text.slice(from));
  return out;
}

/** A quote is verbatim when each part between ellipses stands in one material, edge punctuation aside. */
function quoteFound(quote: string, material: string): boolean {
  return loose(quote)
    .split('…')
    .map((part) => part.replace(EDGE_PUNCTUATION, ''))
    .every((part) => part === '' || material.includes(part));
}

const TITLE = /《([^《》]+)》/gu;
/** Quotes shorter than this many letters and digits are terms (“双减”), not quotations. */
const MIN_QUOTE = 4;

interface PreparedMaterial {
  numbers: Set<string>;
  documents: DocumentNumber[];
  /** Title and text in the loose form. */
  text: string;
}

function prepare(m: Material, words: NumberWords): PreparedMaterial {
  const all = `${m.title}\n${m.text}`;
  return { numbers: materialNumberKeys(all, words), documents: documentNumbers(all), text: loose(all) };
}

/**
 * Checks an answer against the materials it was written from. Numbers are
 * compared by value (85% = 百分之八十五, 4.79亿 = 47900万, full width, 1,200);
 * a figure inside a 《title》 is covered by the title check instead; a 文号 must
 * stand in a cited material as a whole, issuer included, besides its two
 * figures. A sentence that cites no given material is reported for that alone.
 */
export function verifyGrounding(text: string, materials: readonly Material[], words: NumberWords): GroundingResult {
  const sentences = parseWritten(text);
  if (sentences.length === 0) return { ok: false, sentences, problems: [{ code: 'empty' }] };
  const byMark = new Map(materials.map((m) => [m.mark, prepare(m, words)]));
  const everything = [...byMark.values()];
  const problems: GroundingProblem[] = [];

  sentences.forEach((s, k) => {
    const index = k + 1;
    const sentence = s.text;
    if (s.marks.length === 0) problems.push({ code: 'no_citation', index, sentence });
    const marks = [...new Set(s.marks)];
    for (const mark of marks) if (!byMark.has(mark)) problems.push({ code: 'unknown_mark', index, sentence, mark });

    for (const m of sentence.matchAll(TITLE)) {
      const title = loose(m[1]!).replace(EDGE_PUNCTUATION, '');
      if (!everything.some((p) => p.text.includes(title))) problems.push({ code: 'unknown_title', index, sentence, title: m[1]! });
    }

    const cited = marks.filter((m) => byMark.has(m));
    if (cited.length === 0) return;
    const sources = cited.map((m) => byMark.get(m)!);

    const checked = sentence.replace(TITLE, ' ');
    const reported = new Set<string>();
    const supported = (key: string) => sources.some((p) => p.numbers.has(key));
    for (const t of numberTokens(checked, words)) {
      if (supported(numberKey(t)) || reported.has(t.text)) continue;
      reported.add(t.text);
      problems.push({ code: 'unsupported_number', index, sentence, cited, number: t.text });
    }
    for (const d of documentNumbers(checked)) {
      // A 文号 whose own figures are missing is already reported by them.
      if (!supported(`plain:${d.year}`) || !supported(`plain:${d.serial}`)) continue;
      if (sources.some((p) => p.documents.some((md) => sameDocumentNumber(d, md)))) continue;
      problems.push({ code: 'unsupported_number', index, sentence, cited, number: d.issuer + d.text });
    }

    for (const quote of quotesOf(sentence)) {
      if ([...quote].filter((c) => CONTENT.test(c)).length < MIN_QUOTE) continue;
      if (!sources.some((p) => quoteFound(quote, p.text))) problems.push({ code: 'not_verbatim', index, sentence, cited, quote });
    }
  });

  return { ok: problems.length === 0, sentences, problems };
}

const clip = (s: string, max = 40) => ([...s].length > max ? `${[...s].slice(0, max).join('')}……` : s);
const marksText = (marks: readonly number[]) => marks.map((m) => `[${m}]`).join('');

/** The problems in Chinese, one line each, to send back to the model with the retry. */
export function describeProblems(problems: readonly GroundingProblem[]): string {
  return problems
    .map((p) => {
      if (p.code === 'empty') return '回答是空的：请根据材料作答，每句末尾标注所依据材料的编号。';
      const where = `第${p.index}句（“${clip(p.sentence)}”）`;
      switch (p.code) {
        case 'no_citation':
          return `${where}没有引用标记：每句末尾都要标注所依据材料的编号，如[1]。`;
        case 'unknown_mark':
          return `${where}引用的材料[${p.mark}]不存在：只能引用给出的材料编号。`;
        case 'unsupported_number': {
          const what = /号$/u.test(p.number) ? '文号' : '数字';
          return `${where}的${what}“${p.number}”不在它引用的材料${marksText(p.cited)}里：只能写材料中出现的数字，或删去这个数字。`;
        }
        case 'not_verbatim':
          return `${where}引号里的“${clip(p.quote)}”不是它引用的材料${marksText(p.cited)}的原文：加引号必须一字不差，否则去掉引号。`;
        case 'unknown_title':
          return `${where}的《${p.title}》不在给出的材料里：不要写材料之外的文件名。`;
      }
    })
    .join('\n');
}
