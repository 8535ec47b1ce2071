/**
 * Structural markers at the start of a paragraph, ranked from the outermost
 * (第X篇) to the innermost (①). Chinese policy documents nest them in this
 * order by convention, so the rank alone places a heading in the outline.
 */

const CN_NUM = '[一二三四五六七八九十百零〇两壹贰叁肆伍陆柒捌玖拾]+';
const ANY_NUM = `(?:${CN_NUM}|\\d{1,3})`;

export interface MarkerMatch {
  /** 0 = 第X篇 … 8 = ①; smaller is outer. */
  rank: number;
  /** The marker text itself, e.g. "（一）" or "3、". */
  marker: string;
}

interface MarkerRule {
  rank: number;
  pattern: RegExp;
}

const RULES: readonly MarkerRule[] = [
  { rank: 0, pattern: new RegExp(`^第${ANY_NUM}[篇部]`) },
  { rank: 1, pattern: new RegExp(`^第${ANY_NUM}章`) },
  { rank: 2, pattern: new RegExp(`^第${ANY_NUM}节`) },
  { rank: 3, pattern: new RegExp(`^第${ANY_NUM}条`) },
  // "一、" / "一．"; "一是" and "一年" are not markers.
  { rank: 4, pattern: new RegExp(`^${CN_NUM}\\s*[、．.]`) },
  { rank: 5, pattern: new RegExp(`^[（(]\\s*${CN_NUM}\\s*[）)]`) },
  // "1." / "1、" / "1．" but not "1.5亿元" or "2013年".
  { rank: 6, pattern: /^\d{1,2}\s*[、．.](?!\s*\d)/ },
  { rank: 7, pattern: /^(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}[）)])/ },
  { rank: 8, pattern: /^[①-⑳㉑-㉟]/ },
];

/** The structural marker a text starts with, if any. */
export function matchMarker(text: string): MarkerMatch | null {
  const trimmed = text.trimStart();
  for (const rule of RULES) {
    const m = rule.pattern.exec(trimmed);
    if (m) return { rank: rule.rank, marker: m[0] };
  }
  return null;
}

/** True when a line starts a new structural item (so it is never glued to the previous line). */
export function startsStructuralItem(text: string): boolean {
  return matchMarker(text) !== null;
}

/** Deepest pattern rank; explicit heading levels are mapped below 0 so they always rank above. */
export const MAX_PATTERN_RANK = 8;

/** Rank of an explicit heading (DOCX style / Markdown `#`): level 1 → -9 … level 6 → -4. */
export function explicitHeadingRank(level: number | undefined): number {
  const l = Math.min(6, Math.max(1, level ?? 1));
  return l - 10;
}
