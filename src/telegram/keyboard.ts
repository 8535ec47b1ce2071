import { InlineKeyboard } from 'grammy';
import type { Button } from '../chat/types.js';

/** Telegram's limit on callback data, in bytes. */
const MAX_CALLBACK_BYTES = 64;

/** Reply buttons as an inline keyboard; a button whose action would not fit is left out. */
export function inlineKeyboard(rows: readonly (readonly Button[])[] | undefined): InlineKeyboard | undefined {
  if (!rows || rows.length === 0) return undefined;
  const kb = new InlineKeyboard();
  let any = false;
  for (const row of rows) {
    const fit = row.filter((b) => Buffer.byteLength(b.action, 'utf8') <= MAX_CALLBACK_BYTES);
    if (fit.length === 0) continue;
    for (const b of fit) kb.text(b.label.slice(0, 60), b.action);
    kb.row();
    any = true;
  }
  return any ? kb : undefined;
}
