import type { Block } from '../types.js';
import { headingCandidate, headingLabel, isDocumentTitleLine, isHeadingPhrase, isRunIn, isSubheadingLine, runInLabel } from './headings.js';
import { explicitHeadingRank, matchMarker } from './markers.js';

/**
 * What a cleaned block is in the outline:
 * - `heading`: opens a section and is only a heading line (explicit, a short
 *   marker paragraph followed by its content, or an unmarked sub-heading line);
 * - `run-in`: a marker paragraph that opens a section and carries its body
 *   (its label is the heading it leads with, or '' when it leads with a sentence);
 * - `item`: a short marker paragraph among siblings; closes deeper sections;
 * - `row` / `body`: content.
 */
export type BlockRole =
  | { kind: 'heading'; rank: number; label: string }
  | { kind: 'row' }
  | { kind: 'run-in'; rank: number; label: string }
  | { kind: 'item'; rank: number }
  | { kind: 'body' };

/** A short marker paragraph heads a section only if deeper content follows it. */
function followedByContent(next: Block | undefined, rank: number): boolean {
  if (!next || next.kind === 'heading') return false;
  if (next.kind === 'table-row') return true;
  const marker = matchMarker(next.text);
  return marker === null || marker.rank > rank;
}

/** Lowest marker rank an unmarked sub-heading line can sit above (一、). */
const MIN_SUBHEADING_CHILD_RANK = 4;

/**
 * An unmarked short line directly above a marked item ("教师队伍建设工程" above
 * "（一）、搭设平台…") heads that item's level: it ranks half a step above it.
 */
function subheadingRank(block: Block, next: Block | undefined): number | null {
  if (!next || next.kind !== 'paragraph' || !isSubheadingLine(block.text)) return null;
  const marker = matchMarker(next.text);
  return marker && marker.rank >= MIN_SUBHEADING_CHILD_RANK ? marker.rank - 0.5 : null;
}

/** Classifies a block, looking at the block after it where needed. */
export function classify(block: Block, next: Block | undefined): BlockRole {
  if (block.kind === 'heading') {
    return { kind: 'heading', rank: explicitHeadingRank(block.level), label: headingLabel(block.text) };
  }
  if (block.kind === 'table-row') return { kind: 'row' };
  const candidate = headingCandidate(block.text);
  if (candidate && followedByContent(next, candidate.rank)) {
    // A line too long or too sentence-like to be a path level still opens its section,
    // as a paragraph that leads with its heading (if it has a short one): its text stays in the passage.
    if (isHeadingPhrase(block.text)) return { kind: 'heading', rank: candidate.rank, label: headingLabel(block.text) };
    return { kind: 'run-in', rank: candidate.rank, label: runInLabel(block.text) ?? '' };
  }
  const marker = matchMarker(block.text);
  if (!marker) {
    const sub = subheadingRank(block, next);
    return sub === null ? { kind: 'body' } : { kind: 'heading', rank: sub, label: headingLabel(block.text) };
  }
  if (isRunIn(block.text)) return { kind: 'run-in', rank: marker.rank, label: runInLabel(block.text) ?? '' };
  return { kind: 'item', rank: marker.rank };
}


/** Marker ranks of parts, chapters and sections (第X篇, 第X章, 第X节): a document title may follow them. */
const MAX_TITLED_RANK = 2;

/**
 * Roles of all blocks. A document title line right after a part heading
 * ("第二篇：…规划" then "某某小学均衡发展实施方案") becomes that part's
 * subtitle, half a rank below it, so every passage of the part carries it.
 */
export function classifyAll(blocks: readonly Block[]): BlockRole[] {
  const roles = blocks.map((b, i) => classify(b, blocks[i + 1]));
  for (let i = 1; i < blocks.length; i++) {
    const prev = roles[i - 1]!;
    const block = blocks[i]!;
    if (prev.kind !== 'heading' || !Number.isInteger(prev.rank) || prev.rank < 0 || prev.rank > MAX_TITLED_RANK) continue;
    const own = roles[i]!;
    // A guessed sub-heading (a short line above 一、) is the title too: it is not between two marker levels.
    const untitled = own.kind === 'body' || (own.kind === 'heading' && !Number.isInteger(own.rank));
    if (block.kind === 'paragraph' && untitled && isDocumentTitleLine(block.text)) {
      roles[i] = { kind: 'heading', rank: prev.rank + 0.5, label: headingLabel(block.text) };
    }
  }
  return roles;
}
