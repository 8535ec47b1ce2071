import type { Block } from '../types.js';
import { endsSentence } from './chars.js';

/** Page-sized lines are hundreds of characters; real list items rarely are, all in a row. */
export const MIN_PAGE_LINE_LENGTH = 300;
export const MIN_RUN = 3;

const PAGE_MARKER = /^(\d{1,3})、\s*/;

interface Candidate {
  index: number;
  page: number;
}

function candidateAt(blocks: readonly Block[], index: number): Candidate | null {
  const b = blocks[index];
  if (!b || b.kind !== 'line' || b.text.length < MIN_PAGE_LINE_LENGTH) return null;
  const m = PAGE_MARKER.exec(b.text);
  return m ? { index, page: Number(m[1]) } : null;
}

/** Index of the next non-empty block after `index`. */
function nextNonEmpty(blocks: readonly Block[], index: number): number {
  let i = index + 1;
  while (i < blocks.length && blocks[i]?.kind === 'line' && blocks[i]?.text.trim() === '') i++;
  return i;
}

/** Runs of long lines numbered n, n+1, n+2, … */
function findRuns(blocks: readonly Block[]): Candidate[][] {
  const runs: Candidate[][] = [];
  let i = 0;
  while (i < blocks.length) {
    const first = candidateAt(blocks, i);
    if (!first) {
      i++;
      continue;
    }
    const run = [first];
    let j = nextNonEmpty(blocks, i);
    for (;;) {
      const next = candidateAt(blocks, j);
      const last = run[run.length - 1];
      if (!next || !last || next.page !== last.page + 1) break;
      run.push(next);
      j = nextNonEmpty(blocks, j);
    }
    runs.push(run);
    i = (run[run.length - 1]?.index ?? i) + 1;
  }
  return runs;
}

/**
 * A scraped page dump: each line is a page prefixed "N、" where the page
 * break fell mid-word, so most lines (before the next marker) end mid-sentence.
 * A numbered list of long items ends its items with 。 instead.
 */
function isPageRun(blocks: readonly Block[], run: readonly Candidate[]): boolean {
  if (run.length < MIN_RUN) return false;
  const joints = run.slice(0, -1);
  const midSentence = joints.filter((c) => !endsSentence(blocks[c.index]?.text ?? '')).length;
  return midSentence * 2 >= joints.length;
}

/**
 * Rule 2: strips "N、" page markers that a scraper put at the start of each
 * page-sized line, and joins the pages without separator ("…差" + "距…").
 */
export function joinScrapedPages(blocks: readonly Block[]): Block[] {
  const runs = findRuns(blocks).filter((run) => isPageRun(blocks, run));
  if (runs.length === 0) return [...blocks];
  const out: Block[] = [];
  let next = 0;
  for (const run of runs) {
    const first = run[0];
    const last = run[run.length - 1];
    const head = first ? blocks[first.index] : undefined;
    if (!first || !last || !head) continue;
    for (let k = next; k < first.index; k++) out.push(blocks[k]!);
    const text = run.map((c) => (blocks[c.index]?.text ?? '').replace(PAGE_MARKER, '')).join('');
    out.push({ ...head, text });
    next = last.index + 1;
  }
  for (let k = next; k < blocks.length; k++) out.push(blocks[k]!);
  return out;
}
