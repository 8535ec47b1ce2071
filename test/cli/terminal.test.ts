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
});
