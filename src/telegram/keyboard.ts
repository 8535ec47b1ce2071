import { InlineKeyboard } from 'grammy';
import type { Button } from '../chat/types.js';
import { truncate } from '../present/citation.js';

/** Telegram's limit on callback data, in bytes. */
const MAX_CALLBACK_BYTES = 64;
/** Longer labels are cut by Telegram clients anyway; cut them ourselves, between words. */
const MAX_LABEL_CHARS = 60;

/** Reply buttons as an inline keyboard, one keyboard row per row that has a button; a button whose action would not fit is left out. */
export function inlineKeyboard(rows: readonly (readonly Button[])[] | undefined): InlineKeyboard | undefined {
  const kept = (rows ?? [])
    .map((row) => row.filter((b) => Buffer.byteLength(b.action, 'utf8') <= MAX_CALLBACK_BYTES))
    .filter((row) => row.length > 0)
    .map((row) => row.map((b) => InlineKeyboard.text(truncate(b.label, MAX_LABEL_CHARS), b.action)));
  return kept.length > 0 ? new InlineKeyboard(kept) : undefined;
}
