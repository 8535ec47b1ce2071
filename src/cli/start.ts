import { createApp } from '../chat/app.js';
import { startTelegram } from '../telegram/start.js';
import { configSecrets, loadConfig } from '../config.js';
import { EmbeddingServiceError, IngestBusyError, JunhengError } from '../errors.js';
import { runIngestIsolated } from '../ingest/isolated.js';
import type { IngestSummary } from '../ingest/pipeline.js';
import { scanCorpus } from '../ingest/scan.js';
import { configuredEmbedder, currentIndexSearchable, embedderOfCurrentIndex } from '../index/embedderChoice.js';
import { EMBEDDER_CHANGED, staleReason } from '../index/freshness.js';
import { currentGeneration } from '../index/generations.js';
import type { IdentifiedEmbeddings } from '../index/embedder.js';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { stateNoticeText } from '../state/db.js';
import { openAppState, type AppState } from '../state/open.js';
import { prepareSharedCorpus, recordIndexed } from '../state/pg/corpus.js';
import { summaryText } from './ingestReport.js';
import { ingestWithProgress } from './runIngest.js';
import { runTerminalChat } from './terminal.js';

/**
 * `npm start`: bring the index up to date with the corpus folder (with
 * progress), then run the Telegram bot when TELEGRAM_BOT_TOKEN is set, or
 * chat in the terminal on the same engine otherwise.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, configSecrets(config));
  const dirs = [config.corpusDir];
  const { embedder, serviceDown } = await embedderAtStart(config, log);
  // Opened before the index is checked: with PostgreSQL the shared corpus comes into the folder first.
  const state = await openAppState(config, log);
  const shared = await sharedCorpusAtStart(config, state, log);

  // With the embeddings service down nothing can be re-indexed: the current index answers.
  const reason = serviceDown ? null : staleReason(config.indexDir, dirs, embedder);
  // The re-index this start began; the bot tells its admins how it ended, the terminal prints it.
  let startIngest: Promise<IngestSummary | undefined> | undefined;
  if (reason) {
    if (scanCorpus(dirs).length === 0) {
      process.stdout.write(`语料文件夹 ${config.corpusDir} 里还没有文件。请放入 PDF、DOCX、TXT 或 Markdown 文件后再运行 npm start。\n`);
      await state.close();
      return;
    }
    if (reason === EMBEDDER_CHANGED && currentIndexSearchable(config.indexDir, embedder)) {
      // Re-embedding a whole corpus with a neural model takes a while: the old generation answers meanwhile.
      process.stdout.write(`${reason}，正在后台用新的向量模型重建索引，建好之前先用原来的索引回答。\n\n`);
      startIngest = catchUpLater(config, embedder, log);
    } else {
      process.stdout.write(`${reason}，正在建立索引……\n`);
      const done = await bringUpToDate(config, embedder, log);
      startIngest = done === 'later' ? catchUpLater(config, embedder, log) : Promise.resolve(done);
    }
  }
  // The index answers from the shared version the folder now holds: the follower need not re-index it again.
  if (shared !== undefined && !serviceDown && staleReason(config.indexDir, dirs, embedder) === null) recordIndexed(config.corpusDir, shared, log);
  const app = createApp(config, embedder, log, state);
  // Whoever started the program reads this first; the recovery itself is logged at warn.
  if (app.stateNotice) process.stdout.write(`${stateNoticeText(app.stateNotice)}\n\n`);
  if (config.telegram.token) {
    const bot = await startTelegram(config, app, embedder, log, {
      say: (text) => process.stdout.write(`${text}\n`),
      ...(startIngest ? { startIngest } : {}),
    });
    process.stdout.write('Telegram 机器人已启动（按 Ctrl+C 停止）。\n');
    const stop = async () => {
      await bot.stop();
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    return;
  }
  startIngest?.catch((e: unknown) => log.error({ err: e }, 'background re-index at start failed'));
  try {
    await runTerminalChat(app.engine, process.stdin, process.stdout, config.reportDir, (e) => log.error({ err: e }, 'message failed'));
  } finally {
    await app.close();
  }
}

/**
 * The configured embedder. When its service cannot be reached, the current index's own embedder, so
 * that questions are answered from it; without a usable index that is the end of the start.
 */
async function embedderAtStart(config: Config, log: Logger): Promise<{ embedder: IdentifiedEmbeddings; serviceDown: boolean }> {
  try {
    return { embedder: await configuredEmbedder(config, log), serviceDown: false };
  } catch (e) {
    if (!(e instanceof EmbeddingServiceError)) throw e;
    const current = embedderOfCurrentIndex(config, log);
    if (!current) {
      throw new JunhengError(`向量服务连接失败（${e.service}）：${e.reason}。还没有可用的索引，请检查向量服务和 EMBEDDINGS_BASE_URL 后再运行 npm start。`, e.message, { cause: e });
    }
    log.warn({ err: e }, 'embeddings service unreachable at start: answering from the current index');
    process.stdout.write(`${e.userMessage}\n\n`);
    return { embedder: current, serviceDown: true };
  }
}

/**
 * With PostgreSQL: the shared corpus written into the corpus folder, so that the index built at
 * start includes it (a new instance's first index). Resolves with the shared version the folder
 * holds; a failure is said and the start goes on with the folder as it is (the bot's follower
 * catches up once the database answers).
 */
async function sharedCorpusAtStart(config: Config, state: AppState, log: Logger): Promise<number | undefined> {
  if (!state.pool) return undefined;
  try {
    const r = await prepareSharedCorpus(state.pool, config.corpusDir, log);
    if (r.written.length > 0) process.stdout.write(`已从共享资料库取得 ${r.written.length} 个文件（第 ${r.localVersion} 版）。\n`);
    if (r.failed.length > 0) process.stdout.write(`共享资料库里有 ${r.failed.length} 个文件没能写入本机语料文件夹（${r.failed.join('、')}），详见日志。\n`);
    return r.localVersion;
  } catch (e) {
    log.error({ err: e }, 'could not bring the shared corpus into the corpus folder at start');
    process.stdout.write('暂时没能从共享资料库取得文件，先用本机语料文件夹里的文件；连上数据库后会自动同步。\n');
    return undefined;
  }
}

/** How often a start that found another ingest running checks whether it has finished. */
const BUSY_POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A wait that never keeps the process alive on its own (the terminal chat may end first). */
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Indexes the corpus at start. Another ingest may still hold the lock (one
 * that outlived a killed bot for a moment, or `npm run ingest` in another
 * terminal): with an index to answer from, the start goes on and catches up
 * later; without one it waits for the other to finish.
 */
async function bringUpToDate(config: Config, embedder: IdentifiedEmbeddings, log: Logger): Promise<IngestSummary | undefined | 'later'> {
  for (let told = false; ; await sleep(BUSY_POLL_MS)) {
    try {
      const summary = await ingestWithProgress({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes }, log);
      process.stdout.write(`${summaryText(summary)}\n\n`);
      return summary;
    } catch (e) {
      if (e instanceof EmbeddingServiceError && currentGeneration(config.indexDir) !== null) {
        log.warn({ err: e }, 're-index at start failed: embeddings service');
        process.stdout.write(`${e.userMessage}\n\n`);
        return undefined;
      }
      if (!(e instanceof IngestBusyError)) throw e;
      if (currentGeneration(config.indexDir) !== null) {
        process.stdout.write(`${e.userMessage}\n先用现有的索引回答，那个任务结束后再更新索引。\n\n`);
        return 'later';
      }
      if (!told) process.stdout.write(`${e.userMessage}\n还没有可用的索引，等它完成……\n`);
      told = true;
    }
  }
}

/**
 * Re-indexes in the background once the other ingest has let go, while the bot answers from the
 * current index. Resolves with the summary, or undefined when the other ingest left nothing to do;
 * a failure rejects (the bot tells its admins, the terminal logs it).
 */
async function catchUpLater(config: Config, embedder: IdentifiedEmbeddings, log: Logger): Promise<IngestSummary | undefined> {
  for (;;) {
    await idle(BUSY_POLL_MS);
    if (staleReason(config.indexDir, [config.corpusDir], embedder) === null) return undefined;
    try {
      const summary = await runIngestIsolated({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes });
      log.info({ summary }, 'caught up with the corpus after another ingest finished');
      return summary;
    } catch (e) {
      if (e instanceof IngestBusyError) continue;
      if (e instanceof EmbeddingServiceError) {
        log.warn({ err: e }, 'background re-index at start failed: embeddings service');
        process.stdout.write(`\n${e.userMessage}\n`);
      }
      throw e;
    }
  }
}

main().catch((e: unknown) => {
  if (e instanceof JunhengError) process.stderr.write(`${e.userMessage}\n`);
  else process.stderr.write(`出错了：${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
