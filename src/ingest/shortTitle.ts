import { cutWords } from '../index/segment.js';

/**
 * The short title a citation line shows, derived from a document's own title
 * (pure; jieba only finds the word boundary of the cap):
 * 1. a notice that transmits a document ("教育部关于印发《…》的通知") → the
 *    document it transmits;
 * 2. a trailing draft note ("（征求意见稿）") goes;
 * 3. a leading issuing body ("***省人民政府", "教育部等九部门") goes when
 *    what is left is still a title;
 * 4. still too long: a trailing bracket goes, then the title is cut at a word
 *    boundary with "…".
 */

/** Titles up to this long are kept whole; longer ones are cut to CUT_AT characters at a word boundary. */
export const MAX_SHORT_TITLE = 22;
const CUT_AT = 20;
/** What must be left of a title after a part is removed for the removal to happen. */
const MIN_REST = 8;

const TRANSMITTAL = /^.*?关于(?:印发|转发|颁布|发布|下发|公布)(.+?)的(?:通知|决定|通告|函)$/u;
const BARE_NOTICE_END = /的通知$/u;
const DRAFT_NOTE = /\s*[（(][^（）()]*稿[）)]$/u;
const TRAILING_BRACKET = /\s*[（(][^（）()]*[）)]$/u;

/** Government and education organs that issue documents. */
const ORGAN =
  '(?:人民政府办公厅|人民政府办公室|人民政府|政府办公厅|政府办公室|国务院办公厅|国务院|教育部|财政部|发展改革委|人力资源社会保障部|' +
  '教育厅|教育局|教育委员会|教育体育局|教体局|教委|督导委员会|教育督导委员会|督导室|督导办|委员会|办公厅|办公室)';
/** Place names in the seeds are often masked ("***省", "XX市"). */
const PLACE = '(?:[\\p{Script=Han}*＊×Xx]{0,12}?)';
const ISSUER = new RegExp(`^${PLACE}${ORGAN}(?:(?:[、\\s]|和|与)+${PLACE}${ORGAN})*(?:等[一二三四五六七八九十\\d]{1,3}(?:个)?部门)?`, 'u');
const MASKED_PLACE = /^[*＊×Xx]{2,}[省市县区镇乡州盟旗]?/u;

/** The document a transmittal notice carries: "关于印发《A》的通知" → A; several → "A等". */
function transmitted(title: string): string {
  const inner = TRANSMITTAL.exec(title)?.[1]?.trim();
  if (!inner) return title;
  const books = [...inner.matchAll(/《([^《》]+)》/gu)].map((m) => m[1]!.trim());
  if (books.length === 1) return books[0]!;
  if (books.length > 1) return `${books[0]}等`;
  return inner;
}

function withoutIssuer(title: string): string {
  for (const pattern of [ISSUER, MASKED_PLACE]) {
    const m = pattern.exec(title);
    if (m && m[0].length > 0) {
      const rest = title.slice(m[0].length).replace(/^[\s:：、]+/u, '');
      if (rest.length >= MIN_REST) return rest;
    }
  }
  return title;
}

function strip(title: string, pattern: RegExp): string {
  const rest = title.replace(pattern, '');
  return rest.length >= MIN_REST ? rest : title;
}

/** Cut at the last word boundary within CUT_AT characters, never inside an open bracket. */
function cap(title: string): string {
  const chars = Array.from(title);
  if (chars.length <= MAX_SHORT_TITLE) return title;
  let kept = '';
  for (const word of cutWords(title)) {
    if (Array.from(kept + word).length > CUT_AT) break;
    kept += word;
  }
  if (kept === '') kept = chars.slice(0, CUT_AT).join('');
  const open = Math.max(kept.lastIndexOf('（'), kept.lastIndexOf('('));
  const close = Math.max(kept.lastIndexOf('）'), kept.lastIndexOf(')'));
  if (open > close && open >= MIN_REST) kept = kept.slice(0, open);
  return `${kept.replace(/[\s、，,：:；;的和及与（(《“]+$/u, '')}…`;
}

export function shortTitle(title: string): string {
  let t = title.replace(/\s+/gu, ' ').trim();
  if (t === '') return t;
  t = transmitted(t);
  if (!TRANSMITTAL.test(title) && BARE_NOTICE_END.test(t) && !t.includes('关于')) t = strip(t, BARE_NOTICE_END);
  t = strip(t, DRAFT_NOTE);
  t = withoutIssuer(t);
  // Book-title marks would nest inside the citation's own 《》.
  const unmarked = t.replace(/[《》]/gu, '');
  if (unmarked.length >= MIN_REST) t = unmarked;
  if (Array.from(t).length > MAX_SHORT_TITLE) t = strip(t, TRAILING_BRACKET);
  return cap(t);
}
