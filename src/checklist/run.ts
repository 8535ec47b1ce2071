import { z } from 'zod';
import type Database from 'better-sqlite3';
import type { StateTables } from '../state/tables.js';
import { UserDocuments, UserHistory, type Filed } from '../state/jsonRows.js';

/** What a user has answered for one raw figure or yes/no item. */
export const AnswerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('value'),
    value: z.number().finite().nonnegative(),
    /** The text as typed (约25, 两千三百六十), for the report. */
    raw: z.string().optional(),
    /** Typed as an estimate (约…) and confirmed: the report marks it 估计值. */
    estimate: z.boolean().optional(),
    /** Outside the plausible range and confirmed by the user. */
    unusual: z.boolean().optional(),
  }),
  z.object({ status: z.literal('yes') }),
  z.object({ status: z.literal('no') }),
  z.object({ status: z.literal('skipped') }),
  z.object({ status: z.literal('unknown') }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

export const StepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mode') }),
  /** The school's or county's name (optional; the school's stage buttons are shown with it). */
  z.object({ kind: z.literal('name') }),
  z.object({ kind: z.literal('stage') }),
  z.object({ kind: z.literal('question'), index: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal('confirm'),
    index: z.number().int().nonnegative(),
    value: z.number().nonnegative(),
    raw: z.string().optional(),
    estimate: z.boolean().optional(),
    /** What is being confirmed: an estimate (约300, the default) or a value outside the plausible range. */
    check: z.enum(['estimate', 'unusual']).optional(),
  }),
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
  /** The school's or county's name for the report, when given. */
  name: z.string().optional(),
  /**
   * The offer to continue (/start, /checklist) was shown and not yet
   * taken: a figure typed now may be meant for anything, so it waits until the
   * user continues and sees the question again.
   */
  offered: z.boolean().optional(),
});
export type ChecklistRun = z.infer<typeof ChecklistRunSchema>;

export function newRun(now = new Date()): ChecklistRun {
  return { version: 1, mode: null, checklistId: null, stage: null, step: { kind: 'mode' }, answers: {}, history: [], startedAt: now.toISOString() };
}

/**
 * Checklist runs per user in the state database, and each user's finished
 * runs (their reports), which a new run never overwrites.
 */
export class ChecklistRunStore extends UserDocuments<ChecklistRun> {
  private readonly finished: UserHistory<ChecklistRun>;

  constructor(db: Database.Database | StateTables) {
    super(db, 'checklist_runs', ChecklistRunSchema);
    this.finished = new UserHistory(db, 'checklist_reports', ChecklistRunSchema);
  }

  /** Saves the finished run and files it as a report, in one transaction; returns the report's id. */
  finish(userId: string, run: ChecklistRun): number {
    return this.finished.add(userId, run, () => this.save(userId, run));
  }

  /** The user's reports, newest first. */
  reports(userId: string): Filed<ChecklistRun>[] {
    return this.finished.list(userId);
  }

  report(userId: string, id: number): Filed<ChecklistRun> | undefined {
    return this.finished.get(userId, id);
  }
}
