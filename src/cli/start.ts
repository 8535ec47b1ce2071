import { createApp } from '../chat/app.js';
import { startTelegram } from '../telegram/start.js';
import { loadConfig } from '../config.js';
import { JunhengError } from '../errors.js';
import { scanCorpus } from '../ingest/scan.js';
import { LocalHashEmbeddings } from '../index/embedder.js';
import { staleReason } from '../index/freshness.js';
import { createLogger } from '../logger.js';
import { stateNoticeText } from '../state/db.js';
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
  const log = createLogger(config.logLevel, config.telegram.token ? [config.telegram.token] : []);
  const embedder = new LocalHashEmbeddings();
  const dirs = [config.corpusDir];

  const reason = staleReason(config.indexDir, dirs, embedder);
  if (reason) {
    if (scanCorpus(dirs).length === 0) {
      process.stdout.write(`语料文件夹 ${config.corpusDir} 里还没有文件。请放入 PDF、DOCX、TXT 或 Markdown 文件后再运行 npm start。\n`);
      return;
    }
    process.stdout.write(`${reason}，正在建立索引……\n`);
    const summary = await ingestWithProgress({ dirs, indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes }, log);
    process.stdout.write(`${summaryText(summary)}\n\n`);
  }
  const app = createApp(config, embedder, log);
  // Whoever started the program reads this first; the recovery itself is logged at warn.
  if (app.stateNotice) process.stdout.write(`${stateNoticeText(app.stateNotice)}\n\n`);
  if (config.telegram.token) {
    const bot = await startTelegram(config, app, embedder, log, { say: (text) => process.stdout.write(`${text}\n`) });
    process.stdout.write('Telegram 机器人已启动（按 Ctrl+C 停止）。\n');
    const stop = async () => {
      await bot.stop();
      app.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    return;
  }
  try {
    await runTerminalChat(app.engine, process.stdin, process.stdout, config.reportDir, (e) => log.error({ err: e }, 'message failed'));
  } finally {
    app.close();
  }
}

main().catch((e: unknown) => {
  if (e instanceof JunhengError) process.stderr.write(`${e.userMessage}\n`);
  else process.stderr.write(`出错了：${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
