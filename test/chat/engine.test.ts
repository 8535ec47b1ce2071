import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEngine } from '../../src/chat/engine.js';
import { LiveKnowledge } from '../../src/chat/knowledge.js';
import * as T from '../../src/chat/texts.js';
import type { Reply } from '../../src/chat/types.js';
import { plainText } from '../../src/present/blocks.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { corpusOfSeeds, SEEDS, seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const embedder = new LocalHashEmbeddings();
const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
const indexDir = tempDir('chat-index');
const knowledge = new LiveKnowledge(indexDir, embedder);
const engine = new ChatEngine(() => knowledge.get());
const say = (text: string) => engine.handle('u1', { kind: 'text', text });
const press = (action: string) => engine.handle('u1', { kind: 'action', action });
const buttons = (r: Reply[]) => r.flatMap((x) => x.buttons?.flat() ?? []);

beforeAll(async () => {
  await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
});
afterAll(() => {
  knowledge.close();
  for (const d of [corpus, indexDir]) fs.rmSync(d, { recursive: true, force: true });
});

describe('ChatEngine', () => {
  it('greets on /start with tappable example questions, and explains itself on /help', async () => {
    const start = await say('/start');
    expect(start[0]!.text).toContain('均衡');
    expect(buttons(start).map((b) => b.label)).toEqual(T.EXAMPLE_QUESTIONS);
    expect((await say('/help'))[0]!.text).toContain('/sources');
  });

  it('a greeting or "who are you" gets the welcome, thanks a short reply, never a stray passage', async () => {
    for (const greeting of ['你好', '您好！', '你是谁？', 'hi']) {
      const reply = await say(greeting);
      expect(reply[0]!.text, greeting).toBe(T.WELCOME);
      expect(buttons(reply).map((b) => b.label), greeting).toEqual(T.EXAMPLE_QUESTIONS);
    }
    expect((await say('谢谢'))[0]!.text).toBe(T.YOU_ARE_WELCOME);
    // A question that starts like a greeting is still a question.
    expect((await say('你好，调研报告里初中的师生比是多少？'))[0]!.text).toContain('1:11.58');
  });

  it('answers a question with a quote, its citation, and a 查看原文 button showing the whole passage', async () => {
    const [reply] = await say('调研报告里初中的师生比是多少？');
    expect(reply!.text).toMatch(/根据文件原文：\n“[^”]*1:11\.58[^”]*”\[1\]/u);
    expect(reply!.text).toMatch(/出处：\n\[1\] 《.+》/u);
    // The same body as structure, for adapters that format it.
    expect(reply!.text).toBe(plainText(reply!.blocks!));
    expect(reply!.blocks![0]!.lines[0]).toEqual({ role: 'lead', text: '根据文件原文：' });
    expect(reply!.blocks![1]!.lines.map((l) => l.role)).toEqual(['heading', ...reply!.blocks![1]!.lines.slice(1).map(() => 'citation')]);
    const view = buttons([reply!]).find((b) => b.label === '查看原文 [1]');
    expect(view).toBeDefined();
    const [full] = await press(view!.action);
    expect(full!.text).toContain('39269');
    expect(full!.text.split('\n\n')[0]).toMatch(/^《.+》/u);
  });

  it('titles the full passage as the answer cited it, never by the file id of a text without a title line', async () => {
    // The 工作总结 seed has no title line: its stored title is its file name, its short title comes from the text.
    const [reply] = await say('2020年全县九年义务教育巩固率达到多少？');
    const cited = reply!.text.match(/\[1\] (《[^》]+》)/u)![1]!;
    expect(cited).not.toMatch(/\d{3}_[0-9a-f]{6}/u);
    const [full] = await press(buttons([reply!]).find((b) => b.label === '查看原文 [1]')!.action);
    expect(full!.text.startsWith(cited)).toBe(true);
  });

  it('says plainly when the documents do not answer, with buttons to the closest sections', async () => {
    // A county the documents never mention: the corpus cannot speak for it.
    const [reply] = await say('库车市的学校要按多少名学生配一名校医？');
    expect(reply!.text).toContain('文件里没有关于「库车市」的内容');
    expect(reply!.text).toContain('下面这些章节比较接近，可以看看：\n· 《');
    expect(reply!.blocks!.flatMap((b) => b.lines).some((l) => l.role === 'lead' || l.role === 'quote')).toBe(false);
    expect(buttons([reply!]).length).toBeGreaterThan(0);
    expect(buttons([reply!]).every((b) => b.label.startsWith('看看：') && b.action.startsWith('show:') && [...b.label].length <= 40)).toBe(true);
  });

  it('lists the indexed documents with their passage counts on /sources', async () => {
    const [reply] = await say('/sources');
    expect(reply!.text).toMatch(/^已收录 4 个文件，共 \d+ 段：/u);
    for (const s of SEEDS.slice(0, 4)) expect(reply!.text).toContain(s);
  });

  it('handles empty, over-long and unknown input with a Chinese hint', async () => {
    expect((await say('   '))[0]!.text).toBe(T.EMPTY_QUESTION);
    expect((await say('问'.repeat(T.MAX_QUESTION_CHARS + 1)))[0]!.text).toBe(T.TOO_LONG);
    expect((await say('/frobnicate'))[0]!.text).toBe(T.UNKNOWN_COMMAND);
    expect((await say('3'))[0]!.text).toBe(T.NOT_A_QUESTION);
    expect((await press('show:99999999'))[0]!.text).toBe(T.PASSAGE_GONE);
  });

  it('answers an example question pressed on /start', async () => {
    const [reply] = await press('ask:1');
    expect(reply!.text.length).toBeGreaterThan(10);
  });

  it('picks up a finished re-index at the next message', async () => {
    fs.copyFileSync(path.join(seedsDir, SEEDS[4]!), path.join(corpus, SEEDS[4]!));
    await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
    expect((await say('/sources'))[0]!.text).toMatch(/^已收录 5 个文件/u);
    const [reply] = await say('英阿瓦提小学校园和校舍面积有多大？');
    expect(reply!.text).toContain('20240');
  });
});
