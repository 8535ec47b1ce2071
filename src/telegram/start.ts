import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, GrammyError, webhookCallback, type Bot } from 'grammy';
import type { App } from '../chat/app.js';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import { runIngestIsolated } from '../ingest/isolated.js';
import type { IngestSummary } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';
import { stateNoticeText } from '../state/db.js';
import { CorpusFollower, publishUpload } from '../state/pg/corpus.js';
import { Role } from '../state/pg/role.js';
import { COMMANDS, createBot } from './bot.js';

export interface RunningBot {
  stop(): Promise<void>;
}

/** One attempt to reach the Bot API at start-up; an unreachable host must not mean minutes of silence. */
const CONNECT_ATTEMPT_MS = 10_000;
/** Waits between connection attempts grow to this and stay there: the bot keeps trying until stopped. */
const MAX_RETRY_WAIT_S = 60;

export const START_TEXT = {
  badToken: 'Telegram 令牌无效，请检查 TELEGRAM_BOT_TOKEN（可在 @BotFather 用 /token 重新获取）。',
  unreachable: (apiRoot: string, waitS: number, attempt: number) =>
    `连不上 Telegram 服务器（${apiRoot}），${waitS} 秒后第 ${attempt + 1} 次重试……请检查网络或 TELEGRAM_API_ROOT。`,
};

export interface StartOptions {
  /** Tells the person who started the bot what is going on (the terminal prints it). */
  say?: (text: string) => void;
  /** Stops the connection attempts at start-up. */
  signal?: AbortSignal;
  /**
   * The re-index this start began (finished, or catching up in the background): uploads queue
   * behind it, and the admins hear how it ended, as after an upload.
   */
  startIngest?: Promise<IngestSummary | undefined>;
}

/**
 * getMe until it answers: a refused token stops with a Chinese reason; a
 * network failure is said within CONNECT_ATTEMPT_MS and retried with back-off.
 */
async function connect(bot: Bot, apiRoot: string, o: StartOptions, log: Logger): Promise<void> {
  const say = o.say ?? (() => undefined);
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    try {
      // A plain client, without the bot's auto-retry: this loop decides when to say something and retry.
      const probe = new Api(bot.token, { apiRoot });
      bot.botInfo = await probe.getMe(AbortSignal.timeout(CONNECT_ATTEMPT_MS) as Parameters<Api['getMe']>[0]);
      return;
    } catch (e) {
      // Telegram answers 401 for a wrong token and 404 for one that is not a token at all.
      if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
        throw new ConfigError(START_TEXT.badToken, `getMe refused the token: ${e.error_code} ${e.description}`, { cause: e });
      }
      const waitS = Math.min(5 * 2 ** (attempt - 1), MAX_RETRY_WAIT_S);
      log.warn({ err: e, attempt }, 'Bot API not reachable at start-up, retrying');
      say(START_TEXT.unreachable(apiRoot, waitS, attempt));
      await sleep(waitS * 1000, undefined, { signal: o.signal });
    }
  }
}

/**
 * Starts the bot on the app's engine: long polling through @grammyjs/runner
 * (updates of different users handled concurrently), or a webhook server when
 * WEBHOOK_URL is set. Commands are registered in Chinese.
 */
export async function startTelegram(
  config: Config,
  app: App,
  embedder: IdentifiedEmbeddings,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningBot> {
  const t = config.telegram;
  if (!t.token) throw new Error('startTelegram needs TELEGRAM_BOT_TOKEN');
  const pool = app.state.pool;
  const { bot, replayUnfinished, enqueueReindex, reportReindex } = createBot({
    token: t.token,
    apiRoot: t.apiRoot,
    engine: app.engine,
    log,
    adminIds: t.adminIds,
    allowedIds: t.allowedIds,
    corpusDir: config.corpusDir,
    ledger: app.ledger,
    ...(options.startIngest ? { reindexFirst: options.startIngest } : {}),
    reindex: () => runIngestIsolated({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes }),
    ...(pool ? { sharedCorpus: { publish: (name: string, bytes: Buffer, uploadedBy: string) => publishUpload(pool, { name, bytes, uploadedBy }) } } : {}),
  });
  await connect(bot, t.apiRoot, options, log);
  try {
    await bot.api.setMyCommands(COMMANDS);
  } catch (e) {
    // The command menu is a convenience; the bot answers without it.
    log.warn({ err: e }, 'setMyCommands failed; the command menu may be missing');
  }
  log.info({ bot: bot.botInfo.username, mode: t.webhookUrl ? 'webhook' : 'polling' }, 'telegram bot started');
  // Before new updates: what a crash left unfinished, in its order.
  await replayUnfinished();
  if (app.stateNotice) {
    // Admins hear at once that user progress was restored; users hear it with their next checklist step.
    const text = stateNoticeText(app.stateNotice);
    for (const id of t.adminIds) await bot.api.sendMessage(id, text).catch((e: unknown) => log.warn({ err: e, admin: id }, 'could not tell an admin'));
  }
  // An upload before a crash was promised a notice when its index is built: this start built it.
  if (options.startIngest) reportReindex(t.adminIds, options.startIngest);

  // Started last, once the transport runs: a start that fails above leaves no listening connection behind.
  const following = async (stopTransport: () => Promise<void>): Promise<RunningBot> => {
    const follower = pool
      ? new CorpusFollower({
          pool,
          corpusDir: config.corpusDir,
          log,
          onChanged: () => enqueueReindex().then((summary) => log.info({ summary }, 're-indexed after a shared corpus change')),
        })
      : undefined;
    if (follower) {
      app.engine.setCorpusSync(() => follower.status());
      await follower.start();
    }
    return {
      stop: async () => {
        await stopTransport();
        await follower?.stop();
      },
    };
  };
  if (t.webhookUrl) {
    const webhookUrl = t.webhookUrl;
    // The update is recorded in the inbox first thing, so a slow answer (an LLM) need not hold
    // Telegram's request open: past WEBHOOK_REPLY_MS it gets its 200 and the handling goes on.
    const callback = webhookCallback(bot, 'http', {
      onTimeout: 'return',
      timeoutMilliseconds: WEBHOOK_REPLY_MS,
      ...(t.webhookSecret ? { secretToken: t.webhookSecret } : {}),
    });
    const server = http.createServer(callback);
    await new Promise<void>((resolve) => server.listen(t.webhookPort, resolve));
    const register = async () => {
      await bot.api.setWebhook(webhookUrl, t.webhookSecret ? { secret_token: t.webhookSecret } : {});
      log.info({ url: webhookUrl }, 'webhook registered');
    };
    // Several instances behind one URL: one registers it, the others only serve it.
    const role = pool ? Role.contend(pool, 'webhook', register, log) : undefined;
    if (role) await role.firstAttempt();
    else await register();
    return following(async () => {
      // Stops accepting, then waits for the updates in flight to be answered.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await role?.release();
    });
  }
  let runner: RunnerHandle | undefined;
  const poll = async () => {
    await bot.api.deleteWebhook();
    runner = run(bot);
  };
  // Telegram lets one client poll at a time: with several instances one polls, the others stand by.
  const role = pool ? Role.contend(pool, 'poller', poll, log) : undefined;
  if (role) {
    await role.firstAttempt();
    if (!role.held) log.info({}, 'another instance polls Telegram; this one stands by to take over');
  } else await poll();
  return following(async () => {
    if (runner?.isRunning()) await runner.stop();
    await role?.release();
  });
}

/** Telegram waits about a minute for a webhook answer; well before that the request is answered. */
const WEBHOOK_REPLY_MS = 25_000;
