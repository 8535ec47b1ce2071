import http from 'node:http';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { webhookCallback } from 'grammy';
import type { App } from '../chat/app.js';
import type { Config } from '../config.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import { runIngest } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';
import { COMMANDS, createBot } from './bot.js';

export interface RunningBot {
  stop(): Promise<void>;
}

/**
 * Starts the bot on the app's engine: long polling through @grammyjs/runner
 * (updates of different users handled concurrently), or a webhook server when
 * WEBHOOK_URL is set. Commands are registered in Chinese.
 */
export async function startTelegram(config: Config, app: App, embedder: IdentifiedEmbeddings, log: Logger): Promise<RunningBot> {
  const t = config.telegram;
  if (!t.token) throw new Error('startTelegram needs TELEGRAM_BOT_TOKEN');
  const bot = createBot({
    token: t.token,
    apiRoot: t.apiRoot,
    engine: app.engine,
    log,
    adminIds: t.adminIds,
    allowedIds: t.allowedIds,
    corpusDir: config.corpusDir,
    reindex: () => runIngest({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes }),
  });
  await bot.init();
  await bot.api.setMyCommands(COMMANDS);
  log.info({ bot: bot.botInfo.username, mode: t.webhookUrl ? 'webhook' : 'polling' }, 'telegram bot started');

  if (t.webhookUrl) {
    const server = http.createServer(webhookCallback(bot, 'http'));
    await new Promise<void>((resolve) => server.listen(t.webhookPort, resolve));
    await bot.api.setWebhook(t.webhookUrl);
    return {
      stop: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  await bot.api.deleteWebhook();
  const runner: RunnerHandle = run(bot);
  return {
    stop: async () => {
      if (runner.isRunning()) await runner.stop();
    },
  };
}
