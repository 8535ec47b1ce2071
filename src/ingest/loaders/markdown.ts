import type { Block, LoadedDocument, Loader } from '../types.js';
import { decodeText } from './decode-text.js';
import { splitLines } from './lines.js';
import { stripInlineMarkdown } from './markdown-inline.js';
import { titleFromHeadings } from './title.js';

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BULLET = /^[ \t]*[-*+][ \t]+/;
const BLOCKQUOTE = /^ {0,3}(?:>[ \t]?)+/;
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S+/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * Markdown: headings become `heading` blocks, everything else stays line by line (blank lines
 * mark paragraph breaks for the cleaner). Only markup is removed; wording is left alone.
 */
export const markdownLoader: Loader = {
  format: 'md',
  async load(bytes: Buffer): Promise<LoadedDocument> {
    const { text, encoding } = decodeText(bytes);
    const warnings = encoding.startsWith('UTF-8') ? [] : [`按 ${encoding} 编码读取`];
    const blocks = parseMarkdown(text);
    return { format: 'md', title: titleFromHeadings(blocks), blocks, warnings };
  },
};

/** Turns Markdown source into raw blocks. Exported for tests. */
export function parseMarkdown(source: string): Block[] {
  const lines = skipFrontMatter(splitLines(source));
  const blocks: Block[] = [];
  let fence: string | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';

    if (fence !== undefined) {
      if (raw.trimStart().startsWith(fence)) fence = undefined;
      else blocks.push({ kind: 'line', text: raw });
      continue;
    }
    const fenceMatch = FENCE.exec(raw);
    if (fenceMatch?.[1]) {
      // Code is kept verbatim; only the fence lines go.
      fence = fenceMatch[1];
      continue;
    }

    const line = raw.replace(BLOCKQUOTE, '');
    if (line.trim() === '') {
      blocks.push({ kind: 'line', text: '' });
      continue;
    }

    const heading = ATX_HEADING.exec(line);
    if (heading?.[1]) {
      const text = stripInlineMarkdown(heading[2] ?? '').trim();
      // A bare "#" is an empty heading: nothing to cite, so it only separates paragraphs.
      blocks.push(text === '' ? { kind: 'line', text: '' } : { kind: 'heading', level: heading[1].length, text });
      continue;
    }

    const next = lines[i + 1];
    if (next !== undefined && isTableStart(line, next)) {
      i = readTable(lines, i, blocks);
      continue;
    }
    const setext = next === undefined ? null : SETEXT_UNDERLINE.exec(next);
    if (setext?.[1] && !BULLET.test(line)) {
      blocks.push({ kind: 'heading', level: setext[1].startsWith('=') ? 1 : 2, text: stripInlineMarkdown(line).trim() });
      i++;
      continue;
    }

    if (THEMATIC_BREAK.test(line)) {
      blocks.push({ kind: 'line', text: '' });
      continue;
    }
    if (LINK_DEFINITION.test(line)) continue;

    const text = stripInlineMarkdown(line.replace(BULLET, ''));
    // A line that held only an image carries no text; dropping it keeps paragraphs intact.
    if (text.trim() === '') continue;
    blocks.push({ kind: 'line', text });
  }
  return blocks;
}

function skipFrontMatter(lines: string[]): string[] {
  if (lines[0]?.trim() !== '---') return lines;
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  return end === -1 ? lines : lines.slice(end + 1);
}

function isTableStart(line: string, next: string): boolean {
  return line.includes('|') && next.includes('-') && TABLE_SEPARATOR.test(next) && (next.includes('|') || line.trim().startsWith('|'));
}

/** Emits one `table-row` per body row, each cell labelled with its header; returns the last line index used. */
function readTable(lines: string[], start: number, blocks: Block[]): number {
  const header = splitRow(lines[start] ?? '');
  let i = start + 2;
  for (; i < lines.length; i++) {
    const row = lines[i] ?? '';
    if (row.trim() === '' || !row.includes('|')) break;
    const cells = splitRow(row);
    const text = cells
      .map((cell, col) => {
        if (cell === '') return '';
        const label = header[col];
        return label ? `${label}：${cell}` : cell;
      })
      .filter((part) => part !== '')
      .join('；');
    if (text !== '') blocks.push({ kind: 'table-row', text });
  }
  return i - 1;
}

function splitRow(row: string): string[] {
  let body = row.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((cell) => stripInlineMarkdown(cell.replace(/\\\|/g, '|')).trim());
}
