import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, InputFile, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { MAX_ATTEMPTS } from '../state/inbox.js';
import type { UpdateLedger } from '../state/ledger.js';
import { UpdateHandledElsewhere } from '../state/session.js';
import type { ChatEngine, Turn } from '../chat/engine.js';
import type { ChatInput, Reply } from '../chat/types.js';
import { JunhengError } from '../errors.js';
import type { IngestSummary } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';
import { summaryText } from '../cli/ingestReport.js';
import { CORPUS_EXTENSIONS, extensionOf, saveToCorpus } from '../ingest/corpusFolder.js';
import { TABLE_EXTENSIONS, uploadReplyText } from './corpusUpload.js';
import { downloadWithLimit } from './download.js';
import { FloodGate } from './floodGate.js';
import { replyMessages } from './format.js';
import { inlineKeyboard } from './keyboard.js';

export const COMMANDS = [
  { command: 'start', description: '开始使用，看看能做什么' },
  { command: 'help', description: '使用说明' },
  { command: 'learn', description: '了解评估：新手入门' },
  { command: 'checklist', description: '对照优质均衡指标自查' },
  { command: 'report', description: '查看自查报告' },
  { command: 'sources', description: '已收录的文件' },
  { command: 'reset', description: '清除自查进度，重新开始' },
];

export const TEXT = {
  notAllowed: '抱歉，这个机器人目前只对指定人员开放。如需使用，请联系管理员。',
  flood: '消息发得太快了，请稍等几秒再发。刚才太快的几条没有处理。',
  failed: '抱歉，处理您的消息时出了点问题，请稍后再试。',
  adminOnly: '只有管理员可以向资料库添加文件。如需添加，请把文件发给管理员。',
  unsupportedFile: '这种文件我处理不了。资料库文件请用 PDF、DOCX、TXT 或 Markdown；县域评估的数据表请用 CSV 或 Excel（.xlsx）。',
  tooBig: '文件太大了（超过 20 MB），Telegram 不允许机器人下载，请拆分或压缩后再发。',
  restartedSaved: '机器人刚才重启了一下。您上一条消息已经记下，请接着往下填写或提问。',
  givenUp: '抱歉，您之前发的一条消息多次处理失败，已跳过。请换个说法或稍后再发。',
  reindexFailed: (msg: string) => `重新建立索引没有成功：${msg}。原有资料不受影响，仍可正常提问。`,
  notShared: '文件已保存在本机，但没能存入共享资料库，其他实例暂时看不到它。请稍后重新发送一次。',
};


/** Telegram clears a chat action after about 5 s. */
const TYPING_RENEW_MS = 4000;
/**
 * Updates (messages and button presses) per user in FLOOD_WINDOW_MS before the
 * rest are dropped with one notice. A clerk tapping through the checklist sends
 * about one a second; a flood sends dozens.
 */
export const FLOOD_LIMIT = 15;
export const FLOOD_WINDOW_MS = 10_000;
/** Telegram lets bots download files up to 20 MB. */
const MAX_DOWNLOAD = 20 * 1024 * 1024;
/** Telegram's limit for a button's callback data. */
const MAX_CALLBACK_BYTES = 64;

export interface BotOptions {
  token: string;
  apiRoot: string;
  engine: ChatEngine;
  log: Logger;
  adminIds: readonly number[];
  allowedIds: readonly number[];
  corpusDir: string;
  /** Re-indexes the corpus (callers serialise runs); resolves with the summary. */
  reindex: () => Promise<IngestSummary>;
  /** A re-index already under way (the start's catch-up): the first upload's re-index waits for it. */
  reindexFirst?: Promise<unknown>;
  /** Durable record of updates until handled; without it a crash may lose updates in flight. */
  ledger?: UpdateLedger;
  /** Several instances on one database: an admin upload is also stored there, and the other instances follow it. */
  sharedCorpus?: SharedCorpus;
}

/** Where uploads go for the other instances; `name` is the safe name the file was saved under. */
export interface SharedCorpus {
  publish(name: string, bytes: Buffer, uploadedBy: string): Promise<unknown>;
}

export interface JunhengBot {
  bot: Bot;
  /**
   * Handles, in arrival order, the updates a crash left unfinished: `pending`
   * ones again, `applied` ones (saved, reply lost) with a short notice. Call
   * before polling starts. Resolves with how many were replayed.
   */
  replayUnfinished(): Promise<number>;
  /** Queues a background re-index after the ones under way (the shared corpus changed); resolves with its summary. */
  enqueueReindex(): Promise<IngestSummary>;
  /** Tells these chats how a re-index ended: its summary, or why it failed (undefined: nothing was needed). */
  reportReindex(chatIds: readonly number[], reindex: Promise<IngestSummary | undefined>): void;
}

/** Runs re-indexes one after another: an upload during a run is indexed by the next. */
class ReindexQueue {
  private tail: Promise<unknown>;
  constructor(
    private readonly run: () => Promise<IngestSummary>,
    first: Promise<unknown> = Promise.resolve(),
  ) {
    this.tail = first.catch(() => undefined);
  }
  enqueue(): Promise<IngestSummary> {
    const next = this.tail.then(() => this.run());
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * The Telegram adapter: updates in, engine replies out as HTML messages with
 * inline keyboards and documents. Everything a user can do here goes through
 * the same ChatEngine as the terminal.
 */
export function createBot(o: BotOptions): JunhengBot {
  const bot = new Bot(o.token, { client: { apiRoot: o.apiRoot } });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: false }));
  const reindexQueue = new ReindexQueue(o.reindex, o.reindexFirst);
  const floodGate = new FloodGate(FLOOD_LIMIT, FLOOD_WINDOW_MS);
  const turns = new WeakMap<Context, Turn>();

  const replaying = new Set<number>();

  // First, before anything awaits: the user's place in line is taken, then the update recorded,
  // so that every later step of this update (checks, downloads, the engine, the replies) keeps
  // arrival order and a crash loses nothing.
  bot.use(async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const ledger = o.ledger;
    const turn = ctx.from ? o.engine.takeTurn(String(ctx.from.id)) : undefined;
    let received = false;
    try {
      if (ledger && !replaying.has(updateId)) {
        const { seen } = await ledger.receive(updateId, String(ctx.from?.id ?? ''), ctx.update);
        // A redelivery (Telegram after a restart, a webhook retry) is answered once. With several
        // instances a seen update may be one whose instance died: the user's session decides.
        if (seen === 'done' || (seen && !ledger.shared)) return void o.log.debug({ update: updateId, seen }, 'update seen before, skipped');
      }
      received = true;
      if (turn) turns.set(ctx, turn);
      try {
        await (ledger ? ledger.within(updateId, next) : next());
      } catch (e) {
        if (!(e instanceof UpdateHandledElsewhere)) throw e;
        o.log.debug({ update: updateId, status: e.status }, 'update handled by another instance, skipped');
        // Saved there, its replies perhaps lost with that instance.
        if (e.status === 'applied' && ctx.chat) await bot.api.sendMessage(ctx.chat.id, TEXT.restartedSaved);
      }
    } finally {
      turn?.release();
      if (ledger && received) await finish(ledger, updateId);
    }
  });
  const finish = async (ledger: UpdateLedger, updateId: number) => {
    try {
      await ledger.done(updateId);
    } catch (e) {
      // The state store failing now must not turn an answered message into an error.
      o.log.error({ err: e, update: updateId }, 'could not mark an update handled');
    }
  };
  const turnOf = (ctx: Context): Turn => {
    const turn = turns.get(ctx);
    if (!turn) throw new Error('update without a sender reached a handler');
    return turn;
  };

  /** Calls whose failure must not stop an answer (typing indicator, button acknowledgement). */
  const bestEffort = (call: Promise<unknown>, what: string) => {
    call.catch((e: unknown) => o.log.debug({ err: e }, `${what} failed (ignored)`));
  };

  // Flood control before the allow-list: refusals to strangers are rate-limited too.
  bot.use(async (ctx, next) => {
    const id = ctx.from?.id;
    if (id === undefined) return next();
    const verdict = floodGate.admit(String(id));
    if (verdict === 'pass') return next();
    if (ctx.callbackQuery) bestEffort(ctx.answerCallbackQuery(), 'answerCallbackQuery');
    // One notice per flood, not one per dropped message.
    if (verdict === 'notice' && ctx.chat) await ctx.api.sendMessage(ctx.chat.id, TEXT.flood);
  });

  bot.use(async (ctx, next) => {
    if (o.allowedIds.length > 0 && ctx.from && !o.allowedIds.includes(ctx.from.id) && !o.adminIds.includes(ctx.from.id)) {
      if (ctx.callbackQuery) bestEffort(ctx.answerCallbackQuery(), 'answerCallbackQuery');
      if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, TEXT.notAllowed);
      return;
    }
    await next();
  });

  const send = async (chatId: number, replies: Reply[]) => {
    for (const r of replies) {
      const parts = replyMessages(r);
      for (const [i, html] of parts.entries()) {
        const keyboard = i === parts.length - 1 ? inlineKeyboard(r.buttons) : undefined;
        await bot.api.sendMessage(chatId, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(keyboard ? { reply_markup: keyboard } : {}),
        });
      }
      if (r.document) await bot.api.sendDocument(chatId, new InputFile(r.document.bytes, r.document.fileName));
    }
  };

  const handle = async (ctx: Context, input: ChatInput | (() => Promise<ChatInput>)) => {
    const chatId = ctx.chat!.id;
    const typing = () => bestEffort(ctx.replyWithChatAction('typing'), 'sendChatAction');
    typing();
    // Telegram shows "typing" for about 5 s: renewed while a slow answer (an LLM writing, then verified) is under way.
    const renew = setInterval(typing, TYPING_RENEW_MS);
    try {
      return await turnOf(ctx).run(input, (replies) => send(chatId, replies));
    } finally {
      clearInterval(renew);
    }
  };

  bot.on('message:text', (ctx) => handle(ctx, { kind: 'text', text: ctx.message.text }));

  bot.on('callback_query:data', async (ctx) => {
    bestEffort(ctx.answerCallbackQuery(), 'answerCallbackQuery');
    const data = ctx.callbackQuery.data;
    // Our buttons carry at most 64 bytes (Telegram's limit); anything else is not ours.
    if (!ctx.chat || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) {
      o.log.debug({ user: ctx.from.id, bytes: Buffer.byteLength(data, 'utf8') }, 'callback data ignored');
      return;
    }
    await handle(ctx, { kind: 'action', action: data });
  });

  bot.on('message:document', async (ctx) => {
    const doc = ctx.message.document;
    const name = doc.file_name ?? 'file';
    const ext = extensionOf(name);
    const isTable = TABLE_EXTENSIONS.includes(ext);
    const isCorpus = CORPUS_EXTENSIONS.includes(ext);
    const turn = turnOf(ctx);
    const chatId = ctx.chat.id;
    const say = (text: string) => turn.exclusive(() => bot.api.sendMessage(chatId, text));
    if (!isTable && !isCorpus) return void (await say(TEXT.unsupportedFile));
    if (isCorpus && !o.adminIds.includes(ctx.from.id)) return void (await say(TEXT.adminOnly));
    if ((doc.file_size ?? 0) > MAX_DOWNLOAD) return void (await say(TEXT.tooBig));
    const download = async (): Promise<Buffer> => {
      const file = await ctx.getFile();
      // Telegram may omit file_size: the limit holds for the bytes that actually arrive.
      return downloadWithLimit(await fetch(`${o.apiRoot}/file/bot${o.token}/${file.file_path}`), MAX_DOWNLOAD);
    };
    if (isTable) return handle(ctx, async () => ({ kind: 'file', fileName: name, bytes: await download() }));

    const userId = ctx.from.id;
    const saved = await turn.exclusive(async () => {
      const bytes = await download();
      const result = saveToCorpus(o.corpusDir, name, bytes);
      o.log.info({ user: userId, file: result.savedPath, replaced: result.replaced?.previousVersionPath, identical: result.identical }, 'admin upload');
      // Shared even when identical here: this instance may have had the file before the database did.
      const notShared = o.sharedCorpus ? await share(o.sharedCorpus, result.savedName, bytes, userId) : undefined;
      await bot.api.sendMessage(chatId, notShared ? `${uploadReplyText(result)}\n${notShared}` : uploadReplyText(result));
      return result;
    });
    if (saved.identical) return;
    // Not awaited: questions keep being answered from the current index meanwhile.
    reportReindex([chatId], reindexQueue.enqueue());
  });

  function reportReindex(chatIds: readonly number[], reindex: Promise<IngestSummary | undefined>): void {
    const tell = (text: string) =>
      Promise.all(chatIds.map((id) => bot.api.sendMessage(id, text).catch((e: unknown) => o.log.error({ err: e, chat: id }, 'could not report the re-index result'))));
    void reindex.then(
      (summary) => (summary ? tell(summaryText(summary)) : undefined),
      (e: unknown) => {
        o.log.error({ err: e }, 'background re-index failed');
        return tell(TEXT.reindexFailed(e instanceof JunhengError ? e.userMessage : '内部错误'));
      },
    );
  }

  /** Publishes an upload; a failure (logged) is what the admin is told, the local copy stays. */
  const share = async (shared: SharedCorpus, savedName: string, bytes: Buffer, userId: number): Promise<string | undefined> => {
    try {
      await shared.publish(savedName, bytes, String(userId));
      return undefined;
    } catch (e) {
      o.log.error({ err: e, file: savedName, user: userId }, 'could not store an upload in the shared corpus');
      return e instanceof JunhengError ? e.userMessage : TEXT.notShared;
    }
  };

  bot.catch(async (err) => {
    o.log.error({ err: err.error, update: err.ctx.update.update_id }, 'update failed');
    const chatId = err.ctx.chat?.id;
    if (chatId === undefined) return;
    const text = err.error instanceof JunhengError ? err.error.userMessage : TEXT.failed;
    try {
      await err.ctx.api.sendMessage(chatId, text);
    } catch (e) {
      o.log.error({ err: e }, 'could not tell the user about the failure');
    }
  });

  const replayUnfinished = async (): Promise<number> => {
    const ledger = o.ledger;
    if (!ledger) return 0;
    let replayed = 0;
    for (const u of await ledger.unfinished()) {
      const update = u.payload as Update;
      const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
      if (u.attempts > MAX_ATTEMPTS) {
        o.log.error({ update: u.updateId, attempts: u.attempts }, 'update given up after repeated crashes');
        await ledger.done(u.updateId);
        if (chatId !== undefined) await bot.api.sendMessage(chatId, TEXT.givenUp).catch(() => undefined);
        continue;
      }
      // Shared: another instance may be delivering it right now, so its session decides under the user's lock.
      if (u.status === 'applied' && !ledger.shared) {
        await ledger.done(u.updateId);
        if (chatId !== undefined) await bot.api.sendMessage(chatId, TEXT.restartedSaved).catch(() => undefined);
        continue;
      }
      replaying.add(u.updateId);
      try {
        await bot.handleUpdate(update);
        replayed++;
      } catch (e) {
        o.log.error({ err: e, update: u.updateId }, 'replayed update failed');
      } finally {
        replaying.delete(u.updateId);
      }
    }
    if (replayed > 0) o.log.info({ replayed }, 'updates left unfinished by a crash were handled');
    return replayed;
  };

  return { bot, replayUnfinished, enqueueReindex: () => reindexQueue.enqueue(), reportReindex };
}
