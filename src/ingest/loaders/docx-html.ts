import type { Block } from '../types.js';
import { decodeEntities } from './html-entities.js';

/** What the DOCX loader needs from mammoth's HTML. */
export interface HtmlBlocks {
  blocks: Block[];
  /** `<img>` elements seen; tells an image-only document apart from an empty one. */
  imageCount: number;
}

interface Cell {
  text: string;
  colspan: number;
  rowspan: number;
  isHeader: boolean;
}

interface Row {
  cells: Cell[];
  inHead: boolean;
}

interface TableState {
  rows: Row[];
  row?: Row;
  cell?: { parts: string[]; colspan: number; rowspan: number; isHeader: boolean };
  inHead: boolean;
}

interface OpenBlock {
  kind: 'heading' | 'paragraph';
  level?: number;
  parts: string[];
}

const TOKEN = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)/g;
const HEADING_TAG = /^h([1-6])$/;

/**
 * Turns mammoth's simple HTML into blocks: h1–h6 → heading, p/li → paragraph, and every
 * table body row → one `table-row` whose cells are labelled with their column header.
 * mammoth emits well-formed, attribute-light HTML, so a tag tokenizer is enough.
 */
export function htmlToBlocks(html: string): HtmlBlocks {
  const blocks: Block[] = [];
  const tables: TableState[] = [];
  let open: OpenBlock | undefined;
  let imageCount = 0;
  let skipAnchor = false;

  const flush = (): void => {
    if (!open) return;
    const text = normaliseSpace(open.parts.join(''));
    if (text !== '') blocks.push(open.level === undefined ? { kind: open.kind, text } : { kind: open.kind, text, level: open.level });
    open = undefined;
  };
  const emitText = (text: string): void => {
    const table = tables[tables.length - 1];
    if (table) {
      // mammoth puts all table text inside cells; anything between cells is layout whitespace.
      table.cell?.parts.push(text);
      return;
    }
    if (!open) open = { kind: 'paragraph', parts: [] };
    open.parts.push(text);
  };

  for (const match of html.matchAll(TOKEN)) {
    const [, slash, rawName, attrs = '', rawText] = match;
    if (rawText !== undefined) {
      if (!skipAnchor) emitText(decodeEntities(rawText));
      continue;
    }
    const name = (rawName ?? '').toLowerCase();
    const closing = slash === '/';
    const table = tables[tables.length - 1];

    if (name === 'img') {
      imageCount++;
      continue;
    }
    if (name === 'a') {
      // mammoth's "↑" back-links from footnotes to their reference carry no content.
      if (closing) skipAnchor = false;
      else if (/href="#(?:footnote|endnote)-ref-/.test(attrs)) skipAnchor = true;
      continue;
    }
    if (name === 'br') {
      if (table) emitText(' ');
      else if (open?.kind === 'heading') open.parts.push(' ');
      else flush(); // a manual line break ends a visual paragraph
      continue;
    }

    if (name === 'table') {
      if (!closing) {
        flush();
        tables.push({ rows: [], inHead: false });
      } else {
        const done = tables.pop();
        if (!done) continue;
        const rows = renderTable(done.rows);
        const parent = tables[tables.length - 1];
        if (parent?.cell) parent.cell.parts.push(` ${rows.join('；')} `);
        else for (const text of rows) blocks.push({ kind: 'table-row', text });
      }
      continue;
    }
    if (table) {
      handleTableTag(table, name, closing, attrs);
      continue;
    }

    const heading = HEADING_TAG.exec(name);
    if (heading || name === 'p' || name === 'li') {
      flush();
      if (!closing) {
        open = heading ? { kind: 'heading', level: Number(heading[1]), parts: [] } : { kind: 'paragraph', parts: [] };
      }
      continue;
    }
    if (name === 'ul' || name === 'ol') flush(); // nested lists: emit the parent item's own text first
  }
  flush();
  return { blocks, imageCount };
}

function handleTableTag(table: TableState, name: string, closing: boolean, attrs: string): void {
  switch (name) {
    case 'thead':
      table.inHead = !closing;
      return;
    case 'tr':
      if (!closing) table.row = { cells: [], inHead: table.inHead };
      else if (table.row) {
        table.rows.push(table.row);
        table.row = undefined;
      }
      return;
    case 'td':
    case 'th':
      if (!closing) {
        table.cell = { parts: [], colspan: spanOf(attrs, 'colspan'), rowspan: spanOf(attrs, 'rowspan'), isHeader: name === 'th' };
      } else if (table.cell) {
        const { parts, colspan, rowspan, isHeader } = table.cell;
        table.row?.cells.push({ text: normaliseSpace(parts.join('')), colspan, rowspan, isHeader });
        table.cell = undefined;
      }
      return;
    case 'p':
    case 'li':
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
      // Several paragraphs in one cell read as one cell value.
      if (!closing) table.cell?.parts.push(' ');
      return;
    default:
      return;
  }
}

/** One grid slot; `origin` identifies the source cell so spanned copies are said once. */
interface Slot {
  text: string;
  origin: number;
}

/**
 * Lays rows out on a grid (colspan/rowspan expanded, merged cells repeated down so every
 * row stays self-contained), then labels each body cell with its column header.
 */
function renderTable(rows: Row[]): string[] {
  const grid = toGrid(rows);
  const headerCount = countHeaderRows(rows);
  const bodyRows = grid.slice(headerCount);
  if (headerCount === 0) return bodyRows.map((row) => joinRow(row, [])).filter((t) => t !== '');
  const labels = columnLabels(grid.slice(0, headerCount));
  // A table that is all header still has text worth keeping.
  if (bodyRows.length === 0) return [joinRow(grid[0] ?? [], [])].filter((t) => t !== '');
  return bodyRows.map((row) => joinRow(row, labels)).filter((t) => t !== '');
}

function joinRow(row: Slot[], labels: string[]): string {
  const parts: string[] = [];
  row.forEach((slot, col) => {
    if (slot.text === '' || slot.origin === row[col - 1]?.origin) return;
    const label = labels[col] ?? '';
    parts.push(label !== '' && label !== slot.text ? `${label}：${slot.text}` : slot.text);
  });
  return parts.join('；');
}

/** Header rows: a leading run of rows inside <thead> or made only of <th> cells. */
function countHeaderRows(rows: Row[]): number {
  let n = 0;
  while (n < rows.length) {
    const row = rows[n];
    if (!row || row.cells.length === 0 || !(row.inHead || row.cells.every((c) => c.isHeader))) break;
    n++;
  }
  return n;
}

function toGrid(rows: Row[]): Slot[][] {
  const grid: Slot[][] = [];
  const carried: Array<{ slot: Slot; left: number } | undefined> = [];
  let origin = 0;
  for (const row of rows) {
    const out: Slot[] = [];
    let col = 0;
    const fillCarried = (): void => {
      for (let c = carried[col]; c && c.left > 0; c = carried[col]) {
        out[col] = c.slot;
        c.left--;
        col++;
      }
    };
    for (const cell of row.cells) {
      fillCarried();
      const slot = { text: cell.text, origin: origin++ };
      for (let k = 0; k < cell.colspan; k++) {
        out[col] = slot;
        carried[col] = cell.rowspan > 1 ? { slot, left: cell.rowspan - 1 } : undefined;
        col++;
      }
    }
    fillCarried();
    grid.push(Array.from(out, (v) => v ?? { text: '', origin: origin++ }));
  }
  return grid;
}

/** Column label = the distinct header texts above it (several header rows read "上/下"). */
function columnLabels(headerRows: Slot[][]): string[] {
  const width = headerRows.reduce((w, r) => Math.max(w, r.length), 0);
  return Array.from({ length: width }, (_v, col) => {
    const texts = headerRows.map((r) => r[col]?.text ?? '').filter((t) => t !== '');
    return [...new Set(texts)].join('/');
  });
}

function spanOf(attrs: string, name: string): number {
  const m = new RegExp(`${name}="(\\d+)"`).exec(attrs);
  const n = m?.[1] ? Number(m[1]) : 1;
  return n >= 1 && n <= 1000 ? n : 1;
}

function normaliseSpace(text: string): string {
  return text.replace(/[ \t\r\n]+/g, ' ').trim();
}
