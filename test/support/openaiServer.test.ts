import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIServer, reply, testEmbedding } from './openaiServer.js';

let server: OpenAIServer;
beforeEach(async () => {
  server = await OpenAIServer.start({ dimensions: 16 });
});
afterEach(async () => {
  await server.close();
});

const client = () => new OpenAI({ baseURL: server.baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 1000, logLevel: 'off' });

describe('the loopback OpenAI server', () => {
  it('answers chat completions the openai client accepts, echoing the last user message by default, and records the request', async () => {
    const done = await client().chat.completions.create({ model: 'test-chat', messages: [{ role: 'system', content: '规则' }, { role: 'user', content: '你好' }] });
    expect(done.choices[0]!.message.content).toBe('你好');
    expect(done.choices[0]!.finish_reason).toBe('stop');
    const [r] = server.requestsTo('/v1/chat/completions');
    expect(r!.body).toMatchObject({ model: 'test-chat', messages: [{ role: 'system' }, { role: 'user', content: '你好' }] });
    expect(r!.headers.authorization).toBe('Bearer sk-test');
  });

  it('plays scripted replies in order before the handler: an empty choice list, a 500, then the handler', async () => {
    server.script('/v1/chat/completions', reply.emptyChoices(), reply.status(500)).on('/v1/chat/completions', () => reply.chat('脚本回答'));
    const ask = () => client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    expect((await ask()).choices).toEqual([]);
    await expect(ask()).rejects.toMatchObject({ status: 500 });
    expect((await ask()).choices[0]!.message.content).toBe('脚本回答');
  });

  it('gives similar texts similar default embeddings, and dies after the allowed number of requests', async () => {
    const sim = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    const base = testEmbedding('生均体育运动场馆面积', 64);
    expect(sim(base, testEmbedding('体育运动场馆面积', 64))).toBeGreaterThan(sim(base, testEmbedding('课后服务结束时间', 64)));
    server.dieAfter(1);
    const got = await client().embeddings.create({ model: 'e', input: ['a'], encoding_format: 'float' });
    expect(got.data[0]!.embedding).toEqual(testEmbedding('a', 16));
    await expect(client().embeddings.create({ model: 'e', input: ['a'], encoding_format: 'float' })).rejects.toThrow(/Connection error/);
  });
});
