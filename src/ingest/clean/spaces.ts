import { isCjk } from './chars.js';

/**
 * Rule 4: whitespace inside Chinese text. Chinese uses no spaces between
 * words, so any space touching a CJK character or CJK punctuation is an
 * artefact (PDF autospace "自 2013 年", scrape gaps "提 出的"). Spaces between
 * two Latin words or numbers are real and stay (one of them).
 */
export function normalizeSpaces(text: string): string {
  const chars = [...text.replace(/\s+/gu, ' ').trim()];
  let out = '';
  chars.forEach((ch, i) => {
    if (ch === ' ' && (isCjk(chars[i - 1] ?? '') || isCjk(chars[i + 1] ?? ''))) return;
    out += ch;
  });
  return (
    out
      // "10. 19平方米": a decimal split by the scraper.
      .replace(/(\d[.．]) (?=\d)/g, '$1')
      // "1 .加强": a list marker split from its number.
      .replace(/(\d) (?=[.．](?:\d|[^\x00-\x7f]))/g, '$1')
  );
}
