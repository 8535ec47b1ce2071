import fs from 'node:fs';
import path from 'node:path';
import type { Block, LoadedDocument } from '../../src/ingest/types.js';
import { seedPath, sharedDir } from './shared.js';

/** A text as the TXT loader delivers it: one `line` block per physical line, blank lines kept. */
export function txtDocument(text: string): LoadedDocument {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  return { format: 'txt', blocks: lines.map((line): Block => ({ kind: 'line', text: line })), warnings: [] };
}

export function seedText(name: string): string {
  return fs.readFileSync(seedPath(name), 'utf8');
}

export function seedDocument(name: string): LoadedDocument {
  return txtDocument(seedText(name));
}

export interface PdfLayout {
  /** Characters per full line. */
  width: number;
  /** Characters of first-line indent (the PDF shows no spaces for it, just a shorter line). */
  indent: number;
  linesPerPage: number;
  header?: string;
  footer?: (page: number, pages: number) => string;
}

/**
 * Lays paragraphs out like a PDF text layer: wrapped at a fixed width (first
 * line shorter by the indent), cut into pages, with running header/footer
 * lines on every page, as `line` blocks carrying their page number.
 */
export function pdfLikeDocument(paragraphs: readonly string[], layout: PdfLayout): LoadedDocument {
  const body: string[] = [];
  for (const p of paragraphs) {
    const chars = [...p];
    let first = true;
    while (chars.length > 0) {
      const take = first ? layout.width - layout.indent : layout.width;
      body.push(chars.splice(0, take).join(''));
      first = false;
    }
  }
  const pages = Math.max(1, Math.ceil(body.length / layout.linesPerPage));
  const blocks: Block[] = [];
  for (let page = 1; page <= pages; page++) {
    if (layout.header) blocks.push({ kind: 'line', text: layout.header, page });
    for (const text of body.slice((page - 1) * layout.linesPerPage, page * layout.linesPerPage)) {
      blocks.push({ kind: 'line', text, page });
    }
    if (layout.footer) blocks.push({ kind: 'line', text: layout.footer(page, pages), page });
  }
  return { format: 'pdf', blocks, pageCount: pages, warnings: [] };
}

export interface GoldSpan {
  doc: string;
  span: string;
}

/** Gold spans of the dev questions (/work/shared/eval/dev.jsonl). */
export function devGoldSpans(): GoldSpan[] {
  const lines = fs.readFileSync(path.join(sharedDir, 'eval', 'dev.jsonl'), 'utf8').split('\n');
  return lines
    .filter((l) => l.trim() !== '')
    .flatMap((l) => (JSON.parse(l) as { gold?: GoldSpan[] }).gold ?? []);
}
