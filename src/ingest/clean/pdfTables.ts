import type { Block } from '../types.js';

/**
 * PDF text extraction flattens a table into lines of space-separated cells
 * ("4 生均教学及辅助用房面积（平方米） 4.5 5.8"). Left as lines, the space
 * rule would glue the cells and the line joiner would glue the rows, so the
 * numbers would drift from their indicator. This turns a header line plus
 * the rows under it into `table-row` blocks ("指标：…；小学：4.5；初中：5.8"),
 * the same shape the DOCX loader produces.
 */

const MIN_COLUMNS = 3;
const MAX_COLUMNS = 8;
const MAX_HEADER_CELL = 8;
const MIN_ROWS = 2;

const NUMERIC_CELL = /^[≤≥<>＜＞]?[-+]?\d[\d.,:：/]*[%‰]?[\p{Script=Han}A-Za-z]{0,4}$/u;
const INDEX_HEADER = /^(?:序号|编号|No\.?|#)$/i;

function cells(text: string): string[] {
  return text.trim().split(/\s+/).filter((c) => c !== '');
}

function isNumeric(cell: string): boolean {
  return NUMERIC_CELL.test(cell);
}

/** "序号 指标 小学 初中": a few short, non-numeric labels and no sentence punctuation. */
export function parseHeader(text: string): string[] | null {
  const head = cells(text);
  if (head.length < MIN_COLUMNS || head.length > MAX_COLUMNS) return null;
  if (/[，。；：,;:]/.test(text)) return null;
  if (head.some((c) => c.length > MAX_HEADER_CELL || isNumeric(c))) return null;
  return head;
}

/**
 * Splits a row into exactly `header.length` cells. Extra tokens belong to the
 * one wide text column (after an index column, if the table has one).
 */
export function parseRow(text: string, header: readonly string[]): string[] | null {
  const tokens = cells(text);
  const n = header.length;
  if (tokens.length < n) return null;
  const lead = INDEX_HEADER.test(header[0] ?? '') && isNumeric(tokens[0] ?? '') ? 1 : 0;
  const tailCount = n - lead - 1;
  const tail = tokens.slice(tokens.length - tailCount);
  const wide = tokens.slice(lead, tokens.length - tailCount).join(' ');
  if (wide === '' || isNumeric(wide)) return null;
  const numericTail = tail.filter(isNumeric).length;
  if (tailCount > 0 && numericTail * 2 < tailCount) return null;
  return [...tokens.slice(0, lead), wide, ...tail];
}

function renderRow(header: readonly string[], row: readonly string[]): string {
  return header.map((h, i) => `${h}：${row[i] ?? ''}`).join('；');
}

/** Rows that follow a header line, as long as each next line parses as a row. */
function rowsAfter(blocks: readonly Block[], start: number, header: readonly string[]): string[][] {
  const rows: string[][] = [];
  for (let i = start; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b || b.kind !== 'line') break;
    const row = parseRow(b.text, header);
    if (!row) break;
    rows.push(row);
  }
  return rows;
}

/** Turns space-separated PDF table lines into `table-row` blocks. Only PDF lines are touched. */
export function detectPdfTables(blocks: readonly Block[]): Block[] {
  const out: Block[] = [];
  let i = 0;
  while (i < blocks.length) {
    const b = blocks[i];
    if (!b) break;
    const header = b.kind === 'line' && b.page !== undefined ? parseHeader(b.text) : null;
    const rows = header ? rowsAfter(blocks, i + 1, header) : [];
    if (!header || rows.length < MIN_ROWS) {
      out.push(b);
      i++;
      continue;
    }
    rows.forEach((row, k) => {
      const page = blocks[i + 1 + k]?.page;
      out.push({ kind: 'table-row', text: renderRow(header, row), ...(page !== undefined ? { page } : {}) });
    });
    i += 1 + rows.length;
  }
  return out;
}
