import type { Block } from '../types.js';

/**
 * Unicode hygiene only: NFC, invisible characters out, every kind of blank
 * (tab, NBSP, ideographic space, stray CR/LF) turned into a plain space.
 * Punctuation is left as written (quotes are shown to users verbatim).
 */
export function normalizeChars(text: string): string {
  return (
    text
      .normalize('NFC')
      // BOM, zero-width space/joiners, soft hyphen: never meaningful in these documents.
      .replace(/[\uFEFF\u200B-\u200D\u2060\u00AD]/g, '')
      .replace(/[\t\n\r\f\v\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g, ' ')
      // Remaining C0/C1 controls come from broken encodings.
      .replace(/[\u0000-\u001F\u007F-\u009F]/g, '')
  );
}

/** Markdown heading marks (`## 标题 ##`) that a loader may have left in the text. */
export function stripHeadingMarks(text: string): string {
  return text.replace(/^\s*#{1,6}(?=\s|$)\s*/, '').replace(/\s+#+\s*$/, '');
}

/** Normalises one block's text; heading blocks also lose any `#` marks. */
export function normalizeBlock(block: Block): Block {
  let text = normalizeChars(block.text);
  if (block.kind === 'heading') text = stripHeadingMarks(text);
  return { ...block, text: text.trim() };
}
