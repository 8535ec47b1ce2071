import { afterEach, describe, expect, it } from 'vitest';
import { TEXT } from '../../src/telegram/bot.js';
import { freePort, startHarnessBot, type HarnessBot } from './harness.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startBot(env: Record<string, string>): Promise<HarnessBot> {
  const h = await startHarnessBot(env);
  cleanup.push(h.stop);
  return h;
}

describe('who may use the bot', () => {
  it('answers only the users in ALLOWED_USER_IDS, and tells others politely', async () => {
    const { server } = await startBot({ ALLOWED_USER_IDS: '11' });
    server.sendText({ id: 11 }, '/help');
    server.sendText({ id: 12 }, '/help');
    const allowed = await server.waitForMessages(11, (ms) => ms.length > 0);
    const refused = await server.waitForMessages(12, (ms) => ms.length > 0);
    expect(allowed[0]!.text).toContain('使用说明');
    expect(refused[0]!.text).toBe(TEXT.notAllowed);
  });
});

describe('webhook mode', () => {
  it('registers WEBHOOK_URL and answers updates posted to its own HTTP server', async () => {
    const port = await freePort();
    const { server } = await startBot({ WEBHOOK_URL: 'https://bot.example.org:8443/telegram', WEBHOOK_PORT: String(port) });
    const set = server.calls.find((c) => c.method === 'setWebhook');
    expect((set?.body as { url: string }).url).toBe('https://bot.example.org:8443/telegram');
    // The chat must exist on the Bot API side before the bot may write to it.
    server.sendText({ id: 21 }, 'hello');
    const update = {
      update_id: 900001,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 21, type: 'private' }, from: { id: 21, is_bot: false, first_name: '甲' }, text: '/sources' },
    };
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(update) });
    expect(res.status).toBe(200);
    const sent = await server.waitForMessages(21, (ms) => ms.some((m) => m.text.includes('已收录')));
    expect(sent.at(-1)!.text).toMatch(/已收录 1 个文件/u);
  });
});
