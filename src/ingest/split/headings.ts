import { matchMarker, type MarkerMatch } from './markers.js';

/**
 * A marker paragraph up to this long (without end punctuation) can be a
 * heading line; what follows it decides (see outline.ts).
 */
export const MAX_HEADING_LENGTH = 40;
/** A heading label is at most this long (marker included); a longer line is running text. */
export const MAX_LABEL_LENGTH = 30;
/** A heading has at most this many clauses ("注重实效，抓好教学常规管理"); more make a sentence. */
export const MAX_HEADING_CLAUSES = 2;
/** A lead phrase cut from the start of a sentence names a section only this short (marker included). */
export const MAX_LEAD_LENGTH = 20;
/** A marker paragraph longer than this (or with several sentences) is a run-in item. */
export const MIN_RUN_IN_LENGTH = 60;

const TRAILING_PUNCT = /[。：:；;，,、\s]+$/;

/** A heading's text as a path label: no trailing punctuation. */
export function headingLabel(text: string): string {
  return text.trim().replace(TRAILING_PUNCT, '');
}

/**
 * "（一）注重实效，抓好教学常规管理。": a marker, a short title, no sentence
 * end inside. Whether it really heads a section depends on what follows.
 */
export function headingCandidate(text: string): MarkerMatch | null {
  const marker = matchMarker(text);
  if (!marker) return null;
  const label = headingLabel(text);
  if (label.length > MAX_HEADING_LENGTH || /[。！？；;!?]/.test(label)) return null;
  return marker;
}

/** A paragraph that starts with a marker and carries its own body text. */
export function isRunIn(text: string): boolean {
  if (text.length > MIN_RUN_IN_LENGTH) return true;
  // Several full sentences; a "；" between clauses of one item does not count.
  return text.replace(/[。！？!?][”’」』）)]*$/, '').search(/[。！？!?]/) >= 0;
}

/** An unmarked sub-heading line is this short at most ("教学质量提高工程"). */
export const MAX_SUBHEADING_LENGTH = 16;

/**
 * A short line without any punctuation or marker, e.g. "教师队伍建设工程"
 * between "三、…" and "（一）…". Whether it heads anything depends on what follows.
 */
export function isSubheadingLine(text: string): boolean {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_SUBHEADING_LENGTH) return false;
  if (/[\p{P}\p{S}]/u.test(t)) return false;
  // A date line ("2024年2月26日") closes a letter; it heads nothing.
  return !/^[\d〇零一二三四五六七八九十]{2,4}年/.test(t);
}

/** How the title of a plan, report or rule ends (…均衡发展实施方案, …工作总结). */
const DOCUMENT_TITLE_END = /(?:规划|方案|计划|意见|办法|细则|通知|报告|总结|纲要|决定|标准|规定|要点)$/u;
/** Shortest title that says more than its kind ("实施方案"). */
const MIN_TITLE_LENGTH = 6;

/**
 * The title of a document inside a compilation ("第二篇：义务教育均衡发展规划"
 * then "塔什艾日克乡英阿瓦提小学均衡发展实施方案"): one short line without
 * sentence punctuation that ends in a document kind. It names whose plan the
 * part is, which the part heading often leaves out.
 */
export function isDocumentTitleLine(text: string): boolean {
  const t = text.trim();
  if (t.length < MIN_TITLE_LENGTH || t.length > MAX_LABEL_LENGTH || matchMarker(t)) return false;
  if (/[^\p{L}\p{N}《》“”"（）()·\s]/u.test(t)) return false;
  return DOCUMENT_TITLE_END.test(t);
}

/** Text after the structural marker ("（三）我县…" → "我县…"). */
function withoutMarker(text: string): string {
  const marker = matchMarker(text);
  return (marker ? text.trimStart().slice(marker.marker.length) : text).replace(/^[\s、．.，,]+/u, '');
}

/** A subject that starts a statement: 我县, 本校, 该区, 全县, 各校, 我们 … */
const SUBJECT_START = /^(?:我|本|该|全|各)(?:县|区|市|镇|乡|校|省|州|盟|旗|们|国|地)/u;
/** A preposition that opens an adverbial: 通过…, 为了…, 根据…, 在…基础上 … */
const ADVERBIAL_START = /^(?:通过|为了|根据|按照|依据|依照|随着|由于|经过|在)/u;
/** The aspect particle 了 (建立了), not 了解, 为了, 除了 … */
const PERFECTIVE = /(?<![为除罢])了(?![解结如然却不得])/u;
/** A subject with a modal verb: 学校要…, 教师应当…, 各地必须… (not 主要, 需要, 要求 …). */
const MODAL_AFTER_SUBJECT = /^[^，,]{1,8}?(?<![重主必需只不想纲摘提简])(?:要|应当|应该|必须)(?![求素点害紧闻])/u;

/**
 * Reads as a statement of running text rather than a heading: it has a
 * subject (我县高度重视…), opens with an adverbial (通过…), says what was
 * done (建立了…) or what someone must do (学校要…).
 */
export function readsAsSentence(text: string): boolean {
  const body = withoutMarker(headingLabel(text));
  return SUBJECT_START.test(body) || ADVERBIAL_START.test(body) || PERFECTIVE.test(body) || MODAL_AFTER_SUBJECT.test(body);
}

/** Clauses of a phrase: parts between ，,；; (enumeration with 、 stays one clause). */
function clauseCount(text: string): number {
  return text.split(/[，,；;]/u).filter((c) => c.trim() !== '').length;
}

/**
 * A label that can stand as a section path level: short (at most 30
 * characters), one or two clauses, and not a sentence of running text.
 */
export function isHeadingPhrase(text: string): boolean {
  const label = headingLabel(text);
  return label.length > 0 && label.length <= MAX_LABEL_LENGTH && clauseCount(label) <= MAX_HEADING_CLAUSES && !readsAsSentence(label);
}

/**
 * Names the section a marker paragraph (or an inline marker sentence) opens:
 * its first sentence up to 。/： when that is a heading phrase; else, when
 * `allowLead`, the lead phrase before the first comma if it is short and not
 * a statement. Null when the text does not start with a heading: such an
 * item opens a section without a path level of its own.
 */
export function runInLabel(text: string, allowLead = true): string | null {
  const sentence = /^(.+?)[。：:！？；;!?]/u.exec(text)?.[1] ?? text;
  if (isHeadingPhrase(sentence)) return headingLabel(sentence);
  if (!allowLead) return null;
  const lead = /^(.+?)[，,]/u.exec(sentence)?.[1];
  if (lead && withoutMarker(lead) !== '' && headingLabel(lead).length <= MAX_LEAD_LENGTH && !readsAsSentence(lead)) return headingLabel(lead);
  return null;
}
