import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { DOMAIN_LEXICON } from './lexicon.js';

let jieba: Jieba | undefined;

/** The segmenter is loaded once per process (the dictionary takes ~0.3 s). */
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    const userDict = DOMAIN_LEXICON.map((w) => `${w} 100000 n`).join('\n');
    jieba.loadDict(new TextEncoder().encode(userDict));
  }
  return jieba;
}

/** Search normalisation: NFKC folds full-width digits/letters/punctuation; lower-case Latin. */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const WORD = /[\p{L}\p{N}]/u;

/**
 * Words for the keyword index and the local embedder: jieba's search mode
 * (which also yields the sub-words of long compounds), punctuation dropped.
 */
export function segmentWords(text: string): string[] {
  const words = segmenter().cutForSearch(normalizeForSearch(text), true);
  const out: string[] = [];
  for (const w of words) {
    const t = w.trim();
    if (t && WORD.test(t)) out.push(t);
  }
  return out;
}

/** Precise-mode words of the text as written (not normalised): joined, they give the text back. */
export function cutWords(text: string): string[] {
  const words = segmenter().cut(text, true);
  return words.join('') === text ? words : Array.from(text);
}

/** A word of a sentence with its jieba part-of-speech tag (n noun, v verb, p preposition, d adverb …). */
export interface TaggedWord {
  word: string;
  tag: string;
}

/** Precise-mode segmentation with part-of-speech tags, of search-normalised text. */
export function tagWords(text: string): TaggedWord[] {
  return segmenter()
    .tag(normalizeForSearch(text), true)
    .filter((t) => t.word.trim() !== '');
}
