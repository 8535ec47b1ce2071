/**
 * A reply's body as structure, not as marked-up text: paragraphs of lines,
 * each line with the role it plays. Adapters choose how a role looks (the
 * terminal prints the text, Telegram puts leads and headings in bold); no
 * adapter has to recognise a heading by its wording.
 *
 * Shared by every module that talks to the user (src/checklist, src/learn,
 * src/chat), so it sits below all of them and imports nothing.
 */
export type LineRole =
  /** A reply's title (【自查报告】…). */
  | 'title'
  /** The sentence that introduces the quotes (根据文件原文：). */
  | 'lead'
  /** The heading of a list (出处：, 差距：). */
  | 'heading'
  /** An overall verdict (结论：…). */
  | 'verdict'
  /** A verbatim quote with its citation marker: “…”[1]. */
  | 'quote'
  /** One numbered source: [1] 《文件》 · 章节 · 第N页. */
  | 'citation'
  /** A section offered instead of an answer: · 《文件》 · 章节. */
  | 'suggestion'
  /** A line of a list (a checklist row, a gap). */
  | 'item'
  /** A caveat (未核实, 整理稿). */
  | 'note'
  /** Ordinary sentences. */
  | 'text';

export interface Line {
  role: LineRole;
  /** Plain text, never markup: adapters escape it. */
  text: string;
}

/** A paragraph: its lines stand one under the other; paragraphs are separated by a blank line. */
export interface Block {
  lines: Line[];
}

/** The plain rendering: lines joined by a newline, paragraphs by a blank line. Empty paragraphs are left out. */
export function plainText(blocks: readonly Block[]): string {
  return blocks
    .filter((b) => b.lines.length > 0)
    .map((b) => b.lines.map((l) => l.text).join('\n'))
    .join('\n\n');
}

export function line(role: LineRole, text: string): Line {
  return { role, text };
}

export function block(...lines: Line[]): Block {
  return { lines };
}

/** A body as both structure and its plain rendering (the `text` and `blocks` of a Reply). */
export function richText(blocks: Block[]): { text: string; blocks: Block[] } {
  return { text: plainText(blocks), blocks };
}
