import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/chat/texts.js';
import { COMMANDS } from '../../src/telegram/bot.js';

describe('the Telegram command menu', () => {
  it('/help explains every command the menu offers', () => {
    for (const { command } of COMMANDS) expect(HELP, command).toContain(`/${command}`);
  });
});
