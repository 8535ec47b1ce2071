import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentMessage, TestUser } from './botApiServer.js';
import { startHarnessBot, type HarnessBot } from './harness.js';
import { mulberry32 } from '../helpers/random.js';

const USERS = 8;
const BURSTS_PER_USER = 1;
let h: HarnessBot;

beforeAll(async () => {
  h = await startHarnessBot({ LOG_LEVEL: 'debug' });
});
afterAll(async () => {
  await h?.stop();
});

const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

async function press(user: TestUser, label: string): Promise<SentMessage> {
  const before = h.server.messagesTo(user.id).length;
  const message = [...h.server.messagesTo(user.id)].reverse().find((m) => buttonsOf(m).some((b) => b.text === label))!;
  const button = buttonsOf(message).find((b) => b.text === label)!;
  h.server.pressButton(user, message, button.callback_data as string);
  const all = await h.server.waitForMessages(user.id, (ms) => ms.length > before);
  return all[before]!;
}

/** The figures of one school (junior stage), different for every user so a swap shows. */
function schoolFigures(k: number) {
  const students = 1600 + k * 7;
  return {
    students,
    high_edu_teachers: 90 + k,
    backbone_teachers: 20 + k,
    pe_art_teachers: 16 + (k % 5),
    room_area: 10_000 + k * 13,
    sport_area: 16_000 + k * 17,
    equip_value: 400 + k, // 万元, as the question asks and the run stores
    media_rooms: 40 + (k % 7),
  };
}

describe('per-user order under a jittery Bot API', () => {
  it('saves every figure of a burst against its own question and replies in the order the figures were sent', async () => {
    const random = mulberry32(20261201);
    // Every call the bot makes while users wait answers after 0–300 ms, like a real network.
    h.server.setLatency((method) => (method === 'getUpdates' ? 0 : Math.floor(random() * 300)));
    const users: TestUser[] = Array.from({ length: USERS }, (_, i) => ({ id: 81_000 + i, first_name: `用户${i}` }));

    await Promise.all(
      users.map(async (u, k) => {
        for (let burst = 0; burst < BURSTS_PER_USER; burst++) {
          h.server.sendText(u, '/checklist');
          await h.server.waitForMessages(u.id, (ms) => ms.some((m) => buttonsOf(m).some((b) => b.text === '学校自查')));
          await press(u, '学校自查');
          await press(u, '初中');
          const before = h.server.messagesTo(u.id).length;
          const f = schoolFigures(k);
          // The whole burst at once, without waiting for any reply.
          for (const v of [f.students, f.high_edu_teachers, f.backbone_teachers, f.pe_art_teachers, f.room_area, `${f.sport_area}平方米`, `${f.equip_value}万元`, `${f.media_rooms}间`]) {
            h.server.sendText(u, String(v));
          }
          const all = await h.server.waitForMessages(u.id, (ms) => ms.slice(before).some((m) => m.text.includes('【自查报告】')), 60_000);
          const replies = all.slice(before).map((m) => m.text);
          // Each reply moves the run one question on: (2/8) … (8/8), then the report, never back.
          const steps = replies.flatMap((t) => [...t.matchAll(/（(\d)\/8）/gu)].map((m) => Number(m[1])));
          expect(steps).toEqual([2, 3, 4, 5, 6, 7, 8]);
          expect(replies.findIndex((t) => t.includes('【自查报告】'))).toBe(replies.length - 1);
        }
      }),
    );
    h.server.setLatency(undefined);

    const db = new Database(h.config.stateDb, { readonly: true, fileMustExist: true });
    try {
      for (const [k, u] of users.entries()) {
        const row = db.prepare('SELECT run FROM checklist_runs WHERE user_id = ?').get(String(u.id)) as { run: string };
        const run = JSON.parse(row.run) as { step: { kind: string }; answers: Record<string, { status: string; value?: number }> };
        expect(run.step.kind).toBe('done');
        const saved = Object.fromEntries(Object.entries(run.answers).map(([key, a]) => [key, a.value]));
        const f = schoolFigures(k);
        expect(saved).toEqual(f);
      }
    } finally {
      db.close();
    }
  });

  it('answers although the typing indicator fails every time', async () => {
    h.server.failNext('sendChatAction', Number.POSITIVE_INFINITY, { error_code: 400, description: 'Bad Request: chat not found' });
    const user = { id: 82_001, first_name: '甲' };
    h.server.sendText(user, '/help');
    h.server.sendText(user, '/checklist');
    const all = await h.server.waitForMessages(user.id, (ms) => ms.length >= 2);
    expect(all[0]!.text).toContain('使用说明');
    expect(buttonsOf(all[1]!).map((b) => b.text)).toContain('学校自查');
    h.server.failNext('sendChatAction', 0, { error_code: 400, description: '' });
  });

  it('answers a button with callback data over 64 bytes quietly, without an error in the log', async () => {
    const user = { id: 82_002, first_name: '乙' };
    h.server.sendText(user, '/start');
    const [welcome] = await h.server.waitForMessages(user.id, (ms) => ms.length >= 1);
    // A client (or a forged update) sending data no button of ours carries.
    const forged = { ...welcome!, reply_markup: undefined };
    const errorsBefore = h.logLines.filter((l) => JSON.parse(l).level >= 50).length;
    h.server.injectUpdate('callback_query', {
      id: '99887766',
      from: { id: user.id, is_bot: false, first_name: '乙' },
      message: { message_id: forged.message_id, date: 0, chat: { id: user.id, type: 'private' } },
      chat_instance: '1',
      data: 'x'.repeat(200),
    });
    h.server.sendText(user, '/help');
    const all = await h.server.waitForMessages(user.id, (ms) => ms.some((m) => m.text.includes('使用说明')));
    expect(all).toHaveLength(2);
    expect(h.logLines.filter((l) => JSON.parse(l).level >= 50).length).toBe(errorsBefore);
  });
});
