import fs from 'node:fs';
import { z } from 'zod';
import { JunhengError } from '../errors.js';

/** One line of an evaluation file (the ../shared/eval/dev.jsonl format). */
export const EvalQuestionSchema = z.object({
  id: z.string(),
  question: z.string().min(1),
  answerable: z.boolean(),
  gold: z.array(z.object({ doc: z.string(), span: z.string().min(1) })).default([]),
  answer: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  type: z.string().optional(),
});
export type EvalQuestion = z.infer<typeof EvalQuestionSchema>;

/** Reads a JSON-lines question file; a bad line is reported with its line number. */
export function readQuestions(file: string): EvalQuestion[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: EvalQuestion[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new JunhengError(`问题文件第 ${i + 1} 行不是合法的 JSON`, `${file}:${i + 1}: ${(e as Error).message}`);
    }
    const parsed = EvalQuestionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new JunhengError(`问题文件第 ${i + 1} 行格式不对`, `${file}:${i + 1}: ${parsed.error.message}`);
    }
    out.push(parsed.data);
  });
  return out;
}
