import type { Block, LineRole, Reply } from '../chat/types.js';

/** Telegram's limit on a message's visible text (UTF-16 code units, as Telegram counts). */
export const MAX_MESSAGE = 4096;
/** Room left under the limit for the few tags a chunk gets. */
const CHUNK = 4000;

/** Roles shown in bold: what a reader's eye should land on first. */
const BOLD: ReadonlySet<LineRole> = new Set<LineRole>(['title', 'lead', 'heading', 'verdict']);

export function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

/**
 * Where a long text is cut into pieces under the limit, as [start, end)
 * ranges of it: at the last paragraph, then line, then sentence end
 * (。！？；), then comma before the limit; a piece is cut mid-text only when
 * it has none of those. Trailing white space of a piece and the newlines
 * after a cut belong to no piece.
 */
function splitRanges(text: string, max: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  while (text.length - start > max) {
    const window = text.slice(start, start + max);
    const cut =
      lastBreak(window, /\n\n/gu) ?? lastBreak(window, /\n/gu) ?? lastBreak(window, /[。！？；!?;]/gu) ?? lastBreak(window, /[，,、]/gu) ?? hardCut(window);
    out.push([start, start + window.slice(0, cut).trimEnd().length]);
    start += cut;
    while (text[start] === '\n') start++;
  }
  if (text.slice(start).trim()) out.push([start, text.length]);
  return out;
}

/** A long plain text in pieces under the limit (see splitRanges). */
export function splitText(text: string, max = CHUNK): string[] {
  return splitRanges(text, max).map(([s, e]) => text.slice(s, e));
}

/** The whole window, less a high surrogate at its end: a character outside the BMP is never cut in two. */
function hardCut(window: string): number {
  const last = window.charCodeAt(window.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? window.length - 1 : window.length;
}

function lastBreak(window: string, re: RegExp): number | null {
  let at: number | null = null;
  for (const m of window.matchAll(re)) if (m.index! > window.length / 3) at = m.index! + m[0].length;
  return at;
}

/** A run of the plain rendering and the role it was written in. */
interface Segment {
  start: number;
  end: number;
  role: LineRole;
}

/** The plain rendering of a reply and where each line stands in it. */
function layout(reply: Pick<Reply, 'text' | 'blocks'>): { plain: string; segments: Segment[] } {
  if (!reply.blocks) return { plain: reply.text, segments: [{ start: 0, end: reply.text.length, role: 'text' }] };
  const segments: Segment[] = [];
  let plain = '';
  for (const b of reply.blocks as readonly Block[]) {
    if (b.lines.length === 0) continue;
    if (plain) plain += '\n\n';
    b.lines.forEach((l, i) => {
      if (i > 0) plain += '\n';
      segments.push({ start: plain.length, end: plain.length + l.text.length, role: l.role });
      plain += l.text;
    });
  }
  return { plain, segments };
}

/** The HTML of plain[s, e): every character escaped, bold roles wrapped whole within the range (a tag is never cut). */
function rangeHtml(plain: string, segments: readonly Segment[], s: number, e: number): string {
  let out = '';
  let pos = s;
  for (const g of segments) {
    if (g.end <= s) continue;
    if (g.start >= e) break;
    const a = Math.max(g.start, s);
    const b = Math.min(g.end, e);
    if (a > pos) out += escapeHtml(plain.slice(pos, a));
    const piece = escapeHtml(plain.slice(a, b));
    out += piece && BOLD.has(g.role) ? `<b>${piece}</b>` : piece;
    pos = b;
  }
  if (pos < e) out += escapeHtml(plain.slice(pos, e));
  return out;
}

/** A reply as one Telegram HTML text, unsplit: built from its blocks when it has them, else its text escaped. */
export function replyHtml(reply: Pick<Reply, 'text' | 'blocks'>): string {
  const { plain, segments } = layout(reply);
  return rangeHtml(plain, segments, 0, plain.length);
}

/**
 * A reply as HTML messages, each under the limit: the plain rendering is cut
 * where splitText cuts it, and each piece gets the markup of the lines it
 * holds (a bold line cut in two is bold in both messages).
 */
export function replyMessages(reply: Pick<Reply, 'text' | 'blocks'>, max = CHUNK): string[] {
  const { plain, segments } = layout(reply);
  return splitRanges(plain, max).map(([s, e]) => rangeHtml(plain, segments, s, e));
}
