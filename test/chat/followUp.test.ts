import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { repoRoot, standardsCorpus, tempDir } from '../ingest/pipelineFixture.js';

const work = tempDir('follow-up');
const corpus = standardsCorpus();
const embedder = new LocalHashEmbeddings();
let config: Config;
let app: App;

beforeAll(async () => {
  config = loadConfig(
    { CORPUS_DIR: corpus, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'), INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'data/state.db') },
    work,
  );
  await runIngest({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes });
  app = createApp(config, embedder);
});
afterAll(() => {
  app?.close();
  for (const d of [work, corpus]) fs.rmSync(d, { recursive: true, force: true });
});

const say = async (text: string, user = 'u1') => (await app.engine.handle(user, { kind: 'text', text })).map((r) => r.text).join('\n');
/** A new process over the same state file. */
const restart = () => {
  app.close();
  app = createApp(config, embedder);
};

describe('follow-up questions on an indicator answer', () => {
  it('那小学呢 / 如果是1500人呢 / 体艺老师呢 reuse the previous indicator, stage and numbers, across a restart', async () => {
    expect(await say('我们初中1200个学生，操场得有多大')).toContain('初中的体育运动场馆面积（室内场馆＋室外场地）至少 12240 平方米');
    restart();
    const primary = await say('那小学呢？');
    expect(primary).toContain('小学的体育运动场馆面积（室内场馆＋室外场地）至少 9000 平方米（1200 × 7.5）');
    expect(primary).not.toContain('初中');
    restart();
    expect(await say('如果是一千五百人呢')).toContain('至少 11250 平方米（1500 × 7.5）');
    expect(await say('体艺老师呢？')).toContain('小学的体育、艺术（音乐、美术）专任教师数至少 14 人（1500 × 0.9 ÷ 100，向上取整）');
  });

  it('那基本均衡呢 after the 差异系数 answer asks the other evaluation\'s rule, and 那初中呢 narrows it, across a restart', async () => {
    expect(await say('优均的差异系数要多少', 'u7')).toContain('校际差异系数小学不超过 0.5，初中不超过 0.45');
    restart();
    const basic = await say('那基本均衡呢', 'u7');
    expect(basic).toContain('校际差异系数小学低于 0.65，初中低于 0.55');
    expect(basic).not.toContain('0.45');
    expect(await say('那初中呢', 'u7')).toContain('校际差异系数初中低于 0.55');
  });

  it('a new topic starts fresh: a follow-up after it does not reach back to the old indicator', async () => {
    await say('小学生均教学仪器设备值要达到多少', 'u2');
    await say('拜城县领导小组组长是谁', 'u2');
    expect(await say('那初中呢', 'u2')).not.toContain('教学仪器设备');
  });

  it('那 inside 那个县 points at a place: after another answer the question is answered as if asked first', async () => {
    const question = '残疾儿童入学率国家要求多少？那个县2020年实际多少？';
    const first = await say(question, 'u5');
    await say('社会认可度要达到多少', 'u6');
    expect(await say(question, 'u6')).toBe(first);
    expect(first).toContain('残疾儿童少年入学率');
  });

  it('each user has their own topic', async () => {
    await say('初中生均体育运动场馆面积要达到多少', 'u3');
    await say('小学生均教学仪器设备值要达到多少', 'u4');
    expect(await say('那小学呢', 'u3')).toContain('生均体育运动场馆面积：小学不少于 7.5');
  });
});
