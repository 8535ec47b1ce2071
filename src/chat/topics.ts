import type Database from 'better-sqlite3';
import type { StateTables } from '../state/tables.js';
import { z } from 'zod';
import type { Topic } from '../answer/types.js';
import { UserDocuments } from '../state/jsonRows.js';

const TopicSchema: z.ZodType<Topic> = z.object({
  kind: z.literal('indicator'),
  indicators: z.array(z.string()),
  stages: z.array(z.enum(['primary', 'junior'])),
  stageNamed: z.boolean(),
  figures: z.array(z.object({ value: z.number().finite(), unit: z.string().nullable(), kind: z.enum(['students', 'classes']).nullable() })),
  balance: z.object({ programs: z.array(z.string()) }).optional(),
});

/** Each user's last answer topic (state DB), so a follow-up such as 那初中呢？ works after a restart too. */
export class TopicStore extends UserDocuments<Topic> {
  constructor(db: Database.Database | StateTables) {
    super(db, 'chat_topics', TopicSchema);
  }
}
