import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSentenceOfMaterialOne } from '../support/groundedModel.js';
import { OpenAIServer, reply } from '../support/openaiServer.js';
import { startHarnessBot, type HarnessBot } from './harness.js';

let model: OpenAIServer;
let h: HarnessBot;

beforeAll(async () => {
  model = await OpenAIServer.start();
  // A model that takes longer than Telegram keeps "typing" on screen (about 5 s).
  model.on('/v1/chat/completions', (r) => reply.delayed(4600, firstSentenceOfMaterialOne(r)));
  h = await startHarnessBot({ LLM_BASE_URL: model.baseURL, LLM_MODEL: 'tg-test-model', LLM_TIMEOUT_S: '20' });
});
afterAll(async () => {
  await h?.stop();
  await model?.close();
});

describe('LLM answers on Telegram', () => {
  it('keeps "typing" on while the model writes, then sends only the verified answer', async () => {
    const user = { id: 93_001, first_name: '教务处' };
    h.server.sendText(user, '优质均衡的校际差异系数小学不能超过多少');
    const [answer] = await h.server.waitForMessages(user.id, (ms) => ms.length > 0, 20_000);
    expect(answer!.text).toContain('根据下列出处整理');
    expect(answer!.text).toMatch(/\[1\]。/u);
    // Nothing was sent before the model's answer had been verified: exactly one message.
    expect(h.server.messagesTo(user.id)).toHaveLength(1);
    const typing = h.server.calls.filter((c) => c.method.toLowerCase() === 'sendchataction' && (c.body as { chat_id?: number }).chat_id === user.id);
    expect(typing.length).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
