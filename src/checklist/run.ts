import { z } from 'zod';
import type Database from 'better-sqlite3';
import { UserDocuments } from '../state/jsonRows.js';

/** What a user has answered for one raw figure or yes/no item. */
export const AnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('value'), value: z.number().finite().nonnegative() }),
  z.object({ status: z.literal('yes') }),
  z.object({ status: z.literal('no') }),
  z.object({ status: z.literal('skipped') }),
  z.object({ status: z.literal('unknown') }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

export const StepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mode') }),
  z.object({ kind: z.literal('stage') }),
  z.object({ kind: z.literal('question'), index: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('confirm'), index: z.number().int().nonnegative(), value: z.number().nonnegative() }),
  z.object({ kind: z.literal('upload') }),
  z.object({ kind: z.literal('done') }),
]);
export type Step = z.infer<typeof StepSchema>;

/** One user's progress through a checklist; saved after every step. */
export const ChecklistRunSchema = z.object({
  version: z.literal(1),
  mode: z.enum(['school', 'county']).nullable(),
  checklistId: z.string().nullable(),
  stage: z.enum(['primary', 'junior']).nullable(),
  step: StepSchema,
  /** Keyed by field key or boolean indicator id. */
  answers: z.record(z.string(), AnswerSchema),
  /** Question indexes in the order they were answered, for 上一步. */
  history: z.array(z.number().int().nonnegative()),
  startedAt: z.string(),
});
export type ChecklistRun = z.infer<typeof ChecklistRunSchema>;

export function newRun(now = new Date()): ChecklistRun {
  return { version: 1, mode: null, checklistId: null, stage: null, step: { kind: 'mode' }, answers: {}, history: [], startedAt: now.toISOString() };
}

/** Checklist runs per user in the state database. */
export class ChecklistRunStore extends UserDocuments<ChecklistRun> {
  constructor(db: Database.Database) {
    super(db, 'checklist_runs', ChecklistRunSchema);
  }
}
