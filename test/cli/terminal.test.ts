import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import { runTerminalChat } from '../../src/cli/terminal.js';
import { loadConfig } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { SAVE_FAILED } from '../../src/state/errors.js';
import { repoRoot, standardsCorpus, tempDir } from '../ingest/pipelineFixture.js';

const work = tempDir('terminal');
const corpus = standardsCorpus();
let app: App;
let stateDb: string;

beforeAll(async () => {
  const config = loadConfig(
    { CORPUS_DIR: corpus, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'), INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'data/state.db') },
    work,
  );
  stateDb = config.stateDb;
  const embedder = new LocalHashEmbeddings();
  await runIngest({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes });
  app = createApp(config, embedder);
});
afterAll(() => {
  app?.close();
  for (const d of [work, corpus]) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs a terminal session, typing each line after the prompt; a line may be computed from what is shown so far. */
async function session(engine: App['engine'], lines: (string | ((shown: string) => string))[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => {
    shown += d.toString();
    if (shown.endsWith('问题> ')) {
      const next = lines.shift();
      if (next === undefined) input.end();
      else input.write(`${typeof next === 'function' ? next(shown) : next}\n`);
    }
  });
  await runTerminalChat(engine, input, output, path.join(work, 'reports'));
  return shown;
}

describe('the terminal chat', () => {
  it('reports a failed save in Chinese and goes on answering', async () => {
    // Another process breaks the state file's table under the running chat.
    const other = new Database(stateDb);
    other.exec('DROP TABLE checklist_runs');
    other.close();
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    // Typed the way a person types: each line after the prompt.
    const lines = ['/checklist', 'A', '/help'];
    output.on('data', (d: Buffer) => {
      shown += d.toString();
      if (shown.endsWith('问题> ')) {
        const next = lines.shift();
        if (next) input.write(`${next}\n`);
        else input.end();
      }
    });
    const errors: unknown[] = [];
    await runTerminalChat(app.engine, input, output, path.join(work, 'reports'), (e) => errors.push(e));
    expect(shown).toContain(SAVE_FAILED);
    expect(shown).toContain('使用说明');
    expect(errors).toHaveLength(1);
  });

  it('after a restart, offers the unfinished checklist on the launch screen; its letter continues at the same question', async () => {
    const config = loadConfig(
      { CORPUS_DIR: corpus, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'), INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'resume/state.db') },
      work,
    );
    const embedder = new LocalHashEmbeddings();
    // The letter of a choice in the last reply (what was shown since the previous prompt).
    const letterOf = (label: string) => (shown: string) => {
      const body = shown.slice(0, -'问题> '.length);
      return new RegExp(`〔([A-Z])〕${label}`, 'u').exec(body.slice(Math.max(0, body.lastIndexOf('问题> '))))![1]!;
    };
    const first = createApp(config, embedder);
    await session(first.engine, ['/checklist', letterOf('学校自查'), letterOf('小学'), '2360', '/quit']);
    first.close();

    const second = createApp(config, embedder);
    const shown = await session(second.engine, [letterOf('继续上次（第 2/8 项）'), '/quit']);
    second.close();
    const launch = shown.slice(0, shown.indexOf('问题> '));
    expect(launch).toContain('您有一份未完成的自查（第 2/8 项）');
    expect(launch).toMatch(/〔[A-Z]〕继续上次（第 2\/8 项）  〔[A-Z]〕重新开始/u);
    expect(shown.slice(shown.indexOf('问题> '))).toContain('（2/8）请输入高于规定学历的专任教师数');
  });

  it('handles every line of input piped in at once, none lost while the first reply is made', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    input.end('/help\n/sources\n初中生均体育运动场馆面积要达到多少？\n');
    await runTerminalChat(app.engine, input, output, path.join(work, 'reports'));
    expect(shown).toContain('使用说明');
    expect(shown).toMatch(/已收录 \d+ 个文件/u);
    expect(shown).toContain('10.2平方米');
  });

  it('an empty line sends nothing, so the letters of the choices shown before it still choose', async () => {
    // A fresh state: no unfinished checklist of an earlier test is offered first.
    const config = loadConfig(
      { CORPUS_DIR: corpus, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'), INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'blank/state.db') },
      work,
    );
    const fresh = createApp(config, new LocalHashEmbeddings());
    const shown = await session(fresh.engine, ['/checklist', '', 'A', '/quit']);
    fresh.close();
    expect(shown).not.toContain('请输入您的问题');
    expect(shown).not.toContain('没有这个选项');
    expect(shown).toContain('学校名称（可跳过）');
  });

  it('/help lists every command the terminal accepts, /quit included', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    input.end('/help\n/quit\n/sources\n');
    await runTerminalChat(app.engine, input, output, path.join(work, 'reports'));
    for (const command of ['/learn', '/checklist', '/report', '/reset', '/sources', '/start', '/help', '/quit']) expect(shown).toContain(command);
    // One list: the terminal's /quit line follows the others directly, no note between them.
    expect(shown).toMatch(/· \/help 显示本说明\n· \/quit/u);
    // /quit ends the chat: the line after it is never answered.
    expect(shown).not.toMatch(/已收录 \d+ 个文件/u);
  });
});
