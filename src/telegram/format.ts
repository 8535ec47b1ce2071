/** Telegram's limit on a message's visible text (UTF-16 code units, as Telegram counts). */
export const MAX_MESSAGE = 4096;
/** Room left under the limit for the few tags a chunk gets. */
const CHUNK = 4000;

export function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

/**
 * Splits a long reply into pieces under the limit, at the last paragraph,
 * then sentence end (。！？；), then comma before the limit; a piece is cut
 * mid-text only when it has none of those.
 */
export function splitText(text: string, max = CHUNK): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut =
      lastBreak(window, /\n\n/gu) ?? lastBreak(window, /\n/gu) ?? lastBreak(window, /[。！？；!?;]/gu) ?? lastBreak(window, /[，,、]/gu) ?? max;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n+/u, '');
  }
  if (rest.trim()) out.push(rest);
  return out;
}

function lastBreak(window: string, re: RegExp): number | null {
  let at: number | null = null;
  for (const m of window.matchAll(re)) if (m.index! > window.length / 3) at = m.index! + m[0].length;
  return at;
}

/**
 * A plain-text reply as Telegram HTML: everything escaped (document text and
 * user text alike), the opening line of an answer in bold, citation markers
 * and the 出处 list kept as they are.
 */
export function toHtml(text: string): string {
  return text
    .split('\n')
    .map((line, i) => {
      const escaped = escapeHtml(line);
      const heading = (i === 0 && /^(根据文件原文：|【.+】)/u.test(line)) || /^(出处：|结论：|差距：)/u.test(line);
      return heading ? `<b>${escaped}</b>` : escaped;
    })
    .join('\n');
}

/** A reply as HTML messages, each under the limit. */
export function replyMessages(text: string): string[] {
  return splitText(text).map(toHtml);
}
