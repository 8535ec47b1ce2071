import { Embeddings } from '@langchain/core/embeddings';
import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';
import { normalizeForSearch, segmentWords } from './segment.js';

/** What the manifest records, so an index is never queried with another embedder's vectors. */
export interface EmbedderIdentity {
  id: string;
  dimensions: number;
}

/** An Embeddings that also says who it is. */
export abstract class IdentifiedEmbeddings extends Embeddings {
  abstract readonly identity: EmbedderIdentity;
}

let idfTable: Map<string, number> | undefined;
let idfDefault = 10;

/** jieba's corpus IDF table (shipped inside the package: no download). */
function idfOf(word: string): number {
  if (!idfTable) {
    idfTable = new Map();
    const lines = new TextDecoder().decode(jiebaIdf).split('\n');
    const values: number[] = [];
    for (const line of lines) {
      const sp = line.lastIndexOf(' ');
      if (sp <= 0) continue;
      const v = Number(line.slice(sp + 1));
      if (Number.isFinite(v)) {
        idfTable.set(line.slice(0, sp), v);
        values.push(v);
      }
    }
    values.sort((a, b) => a - b);
    idfDefault = values[Math.floor(values.length / 2)] ?? 10;
  }
  return idfTable.get(word) ?? idfDefault;
}

/** FNV-1a, 32 bit: fast, stable across runs and platforms. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const CJK_RUN = /[\p{Script=Han}]{2,}/gu;
const BIGRAM_WEIGHT = 0.35;

/**
 * Feature vector of one text: IDF-weighted jieba words plus character
 * bigrams of Han runs (which catch words the dictionary splits differently),
 * hashed into `dimensions` signed buckets and L2-normalised. Pure and
 * deterministic: the same text always gives the same vector.
 */
export function hashEmbed(text: string, dimensions: number): number[] {
  const v = new Float64Array(dimensions);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    const sign = (h & 0x80000000) !== 0 ? -1 : 1;
    v[h % dimensions]! += sign * weight;
  };
  const tf = new Map<string, number>();
  for (const w of segmentWords(text)) tf.set(w, (tf.get(w) ?? 0) + 1);
  for (const [w, n] of tf) add(`w:${w}`, (1 + Math.log(n)) * idfOf(w));
  const norm = normalizeForSearch(text);
  const bigrams = new Map<string, number>();
  for (const run of norm.match(CJK_RUN) ?? []) {
    for (let i = 0; i + 2 <= run.length; i++) {
      const g = run.slice(i, i + 2);
      bigrams.set(g, (bigrams.get(g) ?? 0) + 1);
    }
  }
  for (const [g, n] of bigrams) add(`b:${g}`, BIGRAM_WEIGHT * (1 + Math.log(n)) * idfDefault);
  let sum = 0;
  for (const x of v) sum += x * x;
  const len = Math.sqrt(sum) || 1;
  return Array.from(v, (x) => x / len);
}

/**
 * The default embedder: local, no network, no model download. A hashing
 * vectoriser over Chinese words is weaker than a neural model on paraphrase,
 * but it is instant, deterministic, and complements BM25 with bigram overlap.
 */
export class LocalHashEmbeddings extends IdentifiedEmbeddings {
  readonly identity: EmbedderIdentity;

  constructor(readonly dimensions = 384) {
    super({});
    this.identity = { id: 'local-hash-v1', dimensions };
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => hashEmbed(t, this.dimensions));
  }

  async embedQuery(text: string): Promise<number[]> {
    return hashEmbed(text, this.dimensions);
  }
}
