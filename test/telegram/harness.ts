import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/chat/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { createLogger } from '../../src/logger.js';
import { startTelegram, type RunningBot, type StartOptions } from '../../src/telegram/start.js';
import { repoRoot, standardsCorpus, tempDir } from '../ingest/pipelineFixture.js';
import { BotApiServer } from './botApiServer.js';

export const HARNESS_TOKEN = '777:MODES-token-abcdefghijklmnop';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface HarnessBot {
  server: BotApiServer;
  bot: RunningBot;
  app: App;
  config: Config;
  /** Every log line the bot wrote (JSON). */
  logLines: string[];
  stop(): Promise<void>;
}

/**
 * The real bot on the repo's corpus (indexed into a temp folder) against a fresh
 * loopback Bot API server; `prepare` may set the server up (failures, latency)
 * before the bot's first call.
 */
export async function startHarnessBot(
  env: Record<string, string> = {},
  prepare: (server: BotApiServer) => void = () => undefined,
  options: StartOptions = {},
): Promise<HarnessBot> {
  const work = tempDir('tg');
  const corpus = standardsCorpus();
  const server = await BotApiServer.start({ token: HARNESS_TOKEN });
  prepare(server);
  const config = loadConfig(
    {
      CORPUS_DIR: corpus,
      CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'),
      INDEX_DIR: path.join(work, 'index'),
      STATE_DB: path.join(work, 'data/state.db'),
      TELEGRAM_BOT_TOKEN: HARNESS_TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      ...env,
    },
    work,
  );
  const embedder = new LocalHashEmbeddings();
  await runIngest({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const app = createApp(config, embedder);
  const bot = await startTelegram(config, app, embedder, createLogger('debug', [HARNESS_TOKEN], sink), options);
  return {
    server,
    bot,
    app,
    config,
    logLines,
    stop: async () => {
      await bot.stop();
      app.close();
      await server.stop();
      for (const d of [work, corpus]) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
