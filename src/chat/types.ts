import { z } from 'zod';
import type { Block } from '../present/blocks.js';

export type { Block, Line, LineRole } from '../present/blocks.js';

/** A button under a reply: `action` comes back as input when it is pressed. */
export interface Button {
  label: string;
  action: string;
}

/** A file the bot hands over (a report): the terminal saves it, Telegram sends it as a document. */
export interface ReplyDocument {
  fileName: string;
  bytes: Buffer;
}

/**
 * One message from the bot. `text` is the plain rendering (the terminal prints
 * it); `blocks`, when present, is the same body as structure, and adapters that
 * format (Telegram) build their markup from it. Without blocks, `text` is shown
 * as it is, escaped. Build both with `richText(blocks)` so they agree.
 */
export interface Reply {
  text: string;
  blocks?: Block[];
  /** Rows of buttons. */
  buttons?: Button[][];
  document?: ReplyDocument;
}

/** What a user sends: typed text, or the action of a button they pressed. */
export const ChatInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('action'), action: z.string().max(64) }),
  z.object({ kind: z.literal('file'), fileName: z.string().min(1).max(255), bytes: z.instanceof(Buffer) }),
]);
export type ChatInput = z.infer<typeof ChatInputSchema>;

/**
 * Where this instance stands with the shared corpus (several instances on one
 * database): `catchingUp` while its corpus folder or index is behind the
 * database; versions are the corpus versions (one per upload).
 */
export interface CorpusSync {
  catchingUp: boolean;
  databaseVersion: number;
  indexedVersion: number;
}
