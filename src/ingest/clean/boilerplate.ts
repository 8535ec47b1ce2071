import type { Block } from '../types.js';
import { startsStructuralItem } from '../split/markers.js';
import { endsSentence } from './chars.js';
import {
  bulletContent,
  isJunkLine,
  removeInlineJunk,
  startsCommentTail,
  startsMetaSection,
  startsRelatedList,
} from './boilerplatePatterns.js';

/** Lines a metadata section ("- 特殊限制:") may own before it ends on its own. */
const META_SECTION_MAX_LINES = 3;
/** Wrapped PDF lines that may continue a junk sentence ("本站小编为你…" + "总结报告参考范文…"). */
const JUNK_CONTINUATION_MAX_LINES = 3;

type Mode = 'text' | 'related' | 'meta';

/**
 * Removes scrape boilerplate from text blocks. A removed `line` becomes an
 * empty line, because text on either side of removed junk is not continuous
 * and must not be joined later. Table rows are left alone.
 */
export function removeBoilerplate(blocks: readonly Block[]): Block[] {
  const out: Block[] = [];
  let mode: Mode = 'text';
  let metaLines = 0;
  // A PDF wraps a junk sentence like any other, so its tail lines go with it.
  let junkContinuation = 0;
  const drop = (b: Block): void => {
    if (b.kind === 'line') out.push({ ...b, text: '' });
  };

  for (const block of blocks) {
    if (block.kind === 'table-row') {
      out.push(block);
      continue;
    }
    if (startsCommentTail(block.text)) break;
    const text = removeInlineJunk(block.text).trim();

    if (startsRelatedList(text)) {
      mode = 'related';
      drop(block);
      continue;
    }
    if (startsMetaSection(text)) {
      mode = 'meta';
      metaLines = 0;
      drop(block);
      continue;
    }
    if (mode === 'related') {
      const bullet = bulletContent(text);
      if (text === '') {
        drop(block);
        continue;
      }
      // Article titles never end a sentence; a bullet that does is document text glued on.
      if (bullet !== null && !endsSentence(bullet)) {
        drop(block);
        continue;
      }
      mode = 'text';
      if (bullet !== null) {
        out.push({ ...block, text: bullet.trim() });
        continue;
      }
    }
    if (mode === 'meta') {
      if (text !== '' && metaLines < META_SECTION_MAX_LINES && !startsStructuralItem(text)) {
        metaLines++;
        drop(block);
        continue;
      }
      mode = 'text';
    }

    if (junkContinuation > 0 && block.kind === 'line' && text !== '') {
      junkContinuation = endsSentence(text) ? 0 : junkContinuation - 1;
      drop(block);
      continue;
    }
    junkContinuation = 0;
    if (text === '' || isJunkLine(text)) {
      if (block.page !== undefined && text !== '' && !endsSentence(text)) junkContinuation = JUNK_CONTINUATION_MAX_LINES;
      drop(block);
      continue;
    }
    out.push({ ...block, text });
  }
  return out;
}
