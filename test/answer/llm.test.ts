import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroundedWriter, OpenAIChatModel } from '../../src/answer/llm.js';
import { NO_ANSWER } from '../../src/answer/prompt.js';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { NumberWords } from '../../src/answer/numberTokens.js';

const numberWords = new NumberWords(loadLexicon().numeralIdioms);
import type { Answer } from '../../src/answer/types.js';
import { answerReply } from '../../src/chat/answerView.js';
import { capturedLog } from '../support/capturedLog.js';
import { OpenAIServer, reply } from '../support/openaiServer.js';

const KEY = 'sk-test-SECRET-123';
const ROOMS = '每间音乐专用教室不小于96平方米，每间美术专用教室不小于90平方米。';
const BALANCE = '7项资源配置指标逐项计算校际差异系数，小学每项不高于0.50，初中每项不高于0.45。';

/** An extractive answer as the pipeline gives it: two passages found, the first quoted. */
const extractive: Answer = {
  question: '音乐教室每间要多大',
  status: 'answered',
  reason: { code: 'answered' },
  quotes: [{ text: ROOMS, citation: 0 }],
  citations: [
    { passageId: 7, source: 'a.md', title: '县域义务教育优质均衡发展督导评估办法', sectionPath: ['第七条'], page: null, pageEnd: null, text: ROOMS, kind: 'document' },
    { passageId: 9, source: 'a.md', title: '县域义务教育优质均衡发展督导评估办法', sectionPath: ['第六条'], page: null, pageEnd: null, text: BALANCE, kind: 'document' },
  ],
  suggestions: [],
};

let server: OpenAIServer;
beforeEach(async () => {
  server = await OpenAIServer.start();
});
afterEach(async () => {
  await server.close();
});

const writer = (log = capturedLog().log, timeoutMs = 5000) =>
  new GroundedWriter(new OpenAIChatModel({ baseURL: server.baseURL, model: 'test-chat', apiKey: KEY, timeoutMs }), timeoutMs, numberWords, log);
const sentBodies = () => server.requestsTo('/v1/chat/completions').map((r) => JSON.stringify(r.body));

describe('LLM answers, verified before anything is shown', () => {
  it('shows a grounded answer with its marks, the quotes and every source; the prompt carried the numbered passages', async () => {
    server.script('/v1/chat/completions', reply.chat('每间音乐专用教室不小于96平方米[1]。小学每项差异系数不高于0.50[2]。'));
    const captured = capturedLog();
    const { answer, outcome } = await writer(captured.log).attempt(extractive);
    expect(outcome).toBe('verified');
    expect(answer.written?.sentences).toEqual([
      { text: '每间音乐专用教室不小于96平方米。', marks: [1] },
      { text: '小学每项差异系数不高于0.50。', marks: [2] },
    ]);
    const text = answerReply(answer).text;
    expect(text).toContain('每间音乐专用教室不小于96平方米[1]。');
    expect(text).toContain('[2] 《县域义务教育优质均衡发展督导评估办法》');
    const [sent] = sentBodies();
    expect(sent).toContain('[1]');
    expect(sent).toContain('96平方米');
    expect(captured.lines.some((l) => l['msg'] === 'llm answer verified' && l['model'] === 'test-chat')).toBe(true);
  });

  it('rejects a figure that is in no passage, retries once naming it, then shows the extractive answer', async () => {
    server.script('/v1/chat/completions', reply.chat('每间音乐专用教室不小于100平方米[1]。'), reply.chat('每间音乐专用教室不小于108平方米[1]。'));
    const captured = capturedLog();
    const { answer, outcome } = await writer(captured.log).attempt(extractive);
    expect(outcome).toBe('rejected');
    expect(answer).toEqual(extractive);
    const bodies = sentBodies();
    expect(bodies).toHaveLength(2);
    // The retry names the failing figure to the model.
    expect(bodies[1]).toContain('100');
    expect(captured.lines.filter((l) => l['msg'] === 'llm answer rejected')).toHaveLength(2);
  });

  it('accepts the retry when it fixes what was named', async () => {
    server.script('/v1/chat/completions', reply.chat('每间音乐专用教室不小于100平方米[1]。'), reply.chat('每间音乐专用教室不小于96平方米[1]。'));
    const { answer, outcome } = await writer().attempt(extractive);
    expect(outcome).toBe('verified');
    expect(answer.written?.sentences[0]!.text).toBe('每间音乐专用教室不小于96平方米。');
  });

  it('rejects a citation of a passage that was not given', async () => {
    server.script('/v1/chat/completions', reply.chat('每间音乐专用教室不小于96平方米[5]。'), reply.chat('每间音乐专用教室不小于96平方米[4]。'));
    expect((await writer().attempt(extractive)).outcome).toBe('rejected');
  });

  it('"the materials do not answer" turns an answered quote into a partial answer with the passages as related reading', async () => {
    server.script('/v1/chat/completions', reply.chat(NO_ANSWER));
    const { answer, outcome } = await writer().attempt(extractive);
    expect(outcome).toBe('no_answer');
    expect(answer.status).toBe('partial');
    expect(answerReply(answer).text).toContain('没有直接回答您的问题');
    expect(answer.quotes).toEqual(extractive.quotes);
  });

  it.each([
    ['a 500', () => reply.status(500)],
    ['malformed JSON', () => ({ kind: 'raw' as const, status: 200, body: '{"choices":[{"message":', contentType: 'application/json' })],
    ['an empty choice list', () => reply.emptyChoices()],
    ['a dropped connection', () => reply.drop()],
  ])('%s gives the extractive answer', async (_name, make) => {
    server.on('/v1/chat/completions', () => make());
    const captured = capturedLog();
    const { answer, outcome } = await writer(captured.log).attempt(extractive);
    expect(outcome).toBe('failed');
    expect(answer).toEqual(extractive);
    expect(captured.lines.some((l) => l['msg'] === 'llm unavailable: extractive answer shown')).toBe(true);
  });

  it('a service that never answers gives the extractive answer once the deadline passes', async () => {
    server.on('/v1/chat/completions', () => reply.hang());
    const started = Date.now();
    const { answer, outcome } = await writer(capturedLog().log, 800).attempt(extractive);
    expect(outcome).toBe('failed');
    expect(answer).toEqual(extractive);
    // Bounded by the deadline, not by the client's retries (generous margin for a loaded machine).
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('waits out a 429 with Retry-After and then answers', async () => {
    server.script('/v1/chat/completions', reply.rateLimited(1), reply.chat('每间美术专用教室不小于90平方米[1]。'));
    const { outcome } = await writer().attempt(extractive);
    expect(outcome).toBe('verified');
    const [first, second] = server.requestsTo('/v1/chat/completions');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('a 429 whose Retry-After outlasts the deadline gives the extractive answer within the deadline', async () => {
    server.on('/v1/chat/completions', () => reply.rateLimited(30));
    const started = Date.now();
    const { answer, outcome } = await writer(capturedLog().log, 1000).attempt(extractive);
    expect(outcome).toBe('failed');
    expect(answer).toEqual(extractive);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('never writes the API key into a log line, whatever fails', async () => {
    server.on('/v1/chat/completions', () => reply.status(401, `bad key ${KEY}`));
    const captured = capturedLog();
    await writer(captured.log).attempt(extractive);
    server.on('/v1/chat/completions', () => reply.chat('每间音乐专用教室不小于100平方米[1]。'));
    await writer(captured.log).attempt(extractive);
    expect(captured.raw()).not.toContain(KEY);
    expect(captured.raw()).toContain('llm unavailable');
    // It was sent to the service, as a bearer token.
    expect(server.requests[0]!.headers['authorization']).toBe(`Bearer ${KEY}`);
  });

  it('leaves a not_found answer to the extractive wording: the model gets nothing to write from', async () => {
    const none: Answer = { ...extractive, status: 'not_found', quotes: [], citations: [], reason: { code: 'no_match' } };
    expect((await writer().attempt(none)).outcome).toBe('skipped');
    expect(server.requests).toHaveLength(0);
  });
});
