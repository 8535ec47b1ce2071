import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { FLOOD_LIMIT, TEXT } from '../../src/telegram/bot.js';
import { START_TEXT } from '../../src/telegram/start.js';
import { tempDir } from '../ingest/pipelineFixture.js';
import { BotApiServer } from './botApiServer.js';
import { freePort, startHarnessBot, type HarnessBot } from './harness.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});
async function started(h: Promise<HarnessBot>): Promise<HarnessBot> {
  const bot = await h;
  cleanup.push(bot.stop);
  return bot;
}

describe('starting the bot', () => {
  it('starts and answers when setMyCommands fails, with a warning in the log', async () => {
    const h = await started(startHarnessBot({}, (s) => s.failNext('setMyCommands', 1, { error_code: 400, description: 'Bad Request: not supported here' })));
    h.server.sendText({ id: 31 }, '/help');
    const [reply] = await h.server.waitForMessages(31, (ms) => ms.length > 0);
    expect(reply!.text).toContain('使用说明');
    expect(h.logLines.some((l) => l.includes('setMyCommands failed') && JSON.parse(l).level === 40)).toBe(true);
  });

  it('stops with a Chinese reason naming TELEGRAM_BOT_TOKEN when the token is refused', async () => {
    const server = await BotApiServer.start({ token: '999:the-real-token-xxxxxxxxxxxx' });
    cleanup.push(() => server.stop());
    const attempt = startHarnessBot({ TELEGRAM_API_ROOT: server.apiRoot });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({ userMessage: START_TEXT.badToken });
    expect(START_TEXT.badToken).toContain('TELEGRAM_BOT_TOKEN');
  });

  it('says within 10 s, in Chinese, that the Bot API cannot be reached, and keeps trying', async () => {
    // A server that accepts connections and never answers: the silent case, not a refusal.
    const sockets = new Set<import('node:net').Socket>();
    const blackHole = http.createServer(() => undefined);
    blackHole.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    cleanup.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => blackHole.close(() => r()));
    });
    const root = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
    const said: { text: string; at: number }[] = [];
    const controller = new AbortController();
    const t0 = Date.now();
    const attempt = startHarnessBot({ TELEGRAM_API_ROOT: root }, undefined, { say: (text) => said.push({ text, at: Date.now() }), signal: controller.signal });
    attempt.catch(() => undefined);
    while (said.length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(attempt).rejects.toThrow();
    expect(said[0]!.text).toBe(START_TEXT.unreachable(root, 5, 1));
    expect(said[0]!.text).toContain('连不上 Telegram 服务器');
    // Index building comes first in the harness; the wait for the Bot API itself is what is bounded.
    expect(said[0]!.at - t0).toBeLessThan(10_000 + 8_000);
  });

  it('says within seconds when the Bot API refuses connections, and retries', async () => {
    const root = `http://127.0.0.1:${await freePort()}`;
    const said: string[] = [];
    const controller = new AbortController();
    const attempt = startHarnessBot({ TELEGRAM_API_ROOT: root }, undefined, { say: (text) => said.push(text), signal: controller.signal });
    attempt.catch(() => undefined);
    const t0 = Date.now();
    while (said.length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(attempt).rejects.toThrow();
    expect(said[0]).toContain('5 秒后第 2 次重试');
    // From before the harness's index build: the refusal itself is said at once, well inside 10 s.
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('a damaged user-state file at start', () => {
  it('tells the admins on Telegram, and each user with their first checklist step', async () => {
    const dir = tempDir('tg-state');
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const stateDb = path.join(dir, 'state.db');
    fs.writeFileSync(stateDb, crypto.randomBytes(8192));
    // The admin has written to the bot before (Telegram lets a bot write only to known chats).
    const h = await started(startHarnessBot({ STATE_DB: stateDb, ADMIN_USER_IDS: '41' }, (s) => void s.sendText({ id: 41 }, '/help')));
    const toAdmin = await h.server.waitForMessages(41, (ms) => ms.some((m) => m.text.includes('用户数据文件损坏')));
    expect(toAdmin[0]!.text).toMatch(/^用户数据文件损坏，已重新建立/u);
    h.server.sendText({ id: 42 }, '/checklist');
    const [first] = await h.server.waitForMessages(42, (ms) => ms.length >= 2);
    expect(first!.text).toContain('用户数据文件损坏');
  });
});

describe('flood control comes before the allow-list', () => {
  it('sends a stranger at most FLOOD_LIMIT refusals and one flood notice for 200 messages', async () => {
    const h = await started(startHarnessBot({ ALLOWED_USER_IDS: '11' }));
    const stranger = { id: 66, first_name: '陌生人' };
    for (let i = 0; i < 200; i++) h.server.sendText(stranger, `你好${i}`);
    await h.server.waitForMessages(stranger.id, (ms) => ms.some((m) => m.text === TEXT.flood));
    await new Promise((r) => setTimeout(r, 800));
    const sent = h.server.messagesTo(stranger.id);
    expect(sent.filter((m) => m.text === TEXT.notAllowed).length).toBeLessThanOrEqual(FLOOD_LIMIT);
    expect(sent.filter((m) => m.text === TEXT.flood)).toHaveLength(1);
  });
});
