import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, HARNESS_TOKEN, startHarnessBot, type HarnessBot } from './harness.js';

/**
 * telegram-test-api is a third-party Bot API emulator written by others: it
 * implements fewer methods than Telegram (no setMyCommands, no sendChatAction)
 * and answers getUpdates without long polling. The bot must still work there,
 * with no shim between them.
 */
let emulator: TelegramServer;
let h: HarnessBot;

beforeAll(async () => {
  const port = await freePort();
  emulator = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 60 });
  await emulator.start();
  h = await startHarnessBot({ TELEGRAM_API_ROOT: emulator.config.apiURL });
});
afterAll(async () => {
  await h?.stop();
  await emulator?.stop();
});

describe('the bot against telegram-test-api', () => {
  it('answers /start and a question', async () => {
    const client = emulator.getClient(HARNESS_TOKEN, { timeout: 15_000, userId: 4242, chatId: 4242 });
    await client.sendCommand(client.makeCommand('/start'));
    const greeting = await client.getUpdates();
    const welcome = greeting.result.map((u) => String(u.message.text)).join('\n');
    expect(welcome).toContain('您好');

    await client.sendMessage(client.makeMessage('初中生均体育运动场馆面积要达到多少？'));
    const answer = await client.getUpdates();
    const text = answer.result.map((u) => String(u.message.text)).join('\n');
    expect(text).toContain('10.2平方米');
    expect(text).toContain('出处');
  });
});
