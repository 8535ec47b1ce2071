import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { CANDIDATE_FEATURES } from './features.js';

/**
 * Weights and the answerability threshold: fitted by `npm run fit` over
 * ../shared/eval/train.jsonl (src/answer/fit.ts), written to
 * corpus/lexicon/tuning.json, never edited by hand.
 */

export const ANSWER_FEATURES = [
  'keyInText',
  'keyInWindow',
  'coverage',
  'focus',
  'scopeFound',
  'documentMatch',
  'factNear',
  'numbersFound',
  'factStated',
  'unitStated',
  'measureStated',
  'keyInSentence',
  'topScore',
  'margin',
  'agreement',
  'unknownKeyShare',
] as const;
export type AnswerFeature = (typeof ANSWER_FEATURES)[number];
export type AnswerFeatures = Record<AnswerFeature, number>;

const weights = <T extends readonly string[]>(names: T) =>
  z.object(Object.fromEntries(names.map((n) => [n, z.number()])) as Record<T[number], z.ZodNumber>).strict();

export const TuningSchema = z
  .object({
    rerank: weights(CANDIDATE_FEATURES),
    answerability: z
      .object({
        bias: z.number(),
        weights: weights(ANSWER_FEATURES),
        /** Feature means and spreads the weights were fitted on (features are standardised). */
        mean: weights(ANSWER_FEATURES),
        scale: weights(ANSWER_FEATURES),
        threshold: z.number().min(0).max(1),
      })
      .strict(),
    fit: z
      .object({
        questions: z.string(),
        questionCount: z.number().int(),
        targetFalseRefusal: z.number(),
        /** The reranker's L2 strength, chosen by inner cross-validation. */
        rankL2: z.number(),
        note: z.string(),
      })
      .strict(),
  })
  .strict();
export type Tuning = z.infer<typeof TuningSchema>;

export const DEFAULT_TUNING_FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../corpus/lexicon/tuning.json');

export function parseTuning(text: string, name = 'tuning.json'): Tuning {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`调参文件 ${name} 不是合法的 JSON，请重新运行 npm run fit`, `${name}: ${(e as Error).message}`);
  }
  const parsed = TuningSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`调参文件 ${name} 格式不对，请重新运行 npm run fit`, `${name}: ${parsed.error.message}`);
  return parsed.data;
}

const cache = new Map<string, Tuning>();

export function loadTuning(file: string = DEFAULT_TUNING_FILE): Tuning {
  const hit = cache.get(file);
  if (hit) return hit;
  if (!fs.existsSync(file)) throw new ConfigError('缺少调参文件 corpus/lexicon/tuning.json，请运行 npm run fit', `missing ${file}`);
  const tuning = parseTuning(fs.readFileSync(file, 'utf8'), path.basename(file));
  cache.set(file, tuning);
  return tuning;
}

/** Stable text of a tuning (sorted keys, fixed precision): same data → same file. */
export function serialiseTuning(t: Tuning): string {
  const round = (x: unknown): unknown =>
    typeof x === 'number' ? Number(x.toFixed(6)) : Array.isArray(x) ? x.map(round) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v)])) : x;
  return `${JSON.stringify(round(t), null, 2)}\n`;
}
