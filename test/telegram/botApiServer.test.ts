import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
import { run } from '@grammyjs/runner';
import { autoRetry } from '@grammyjs/auto-retry';
import { BotApiServer, parseTelegramHtml } from './botApiServer.js';

const TOKEN = '123456789:TEST-token_for-the-loopback-server';
const alice = { id: 1001, first_name: '爱丽丝', username: 'alice' };
const bob = { id: 1002, first_name: 'Bob' };

let server: BotApiServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  server = await BotApiServer.start({ token: TOKEN, botUsername: 'junheng_test_bot' });
});

afterEach(async () => {
  // Bots first (bot.stop() still talks to the server), then the server.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.stop();
});

function newBot(): Bot {
  return new Bot(TOKEN, { client: { apiRoot: server.apiRoot } });
}

/** Starts simple long polling and registers its stop for afterEach. */
function startPolling(bot: Bot): void {
  const errors: unknown[] = [];
  bot.catch((err) => {
    errors.push(err);
  });
  const running = bot.start({ timeout: 30 }).catch((err: unknown) => errors.push(err));
  cleanups.push(async () => {
    if (bot.isRunning()) await bot.stop();
    await running;
  });
}

/** A bot that only calls the API (no polling). The chat must exist: a user writes first. */
function apiBot(...users: { id: number; first_name?: string }[]): Bot {
  for (const u of users) server.sendText(u, 'hi');
  return newBot();
}

async function apiError(p: Promise<unknown>): Promise<GrammyError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(err)}`);
  return err;
}

describe('BotApiServer with a real grammY bot', () => {
  it('long polling (bot.start): getMe, deleteWebhook, /start with a bot_command entity, echo', async () => {
    const bot = newBot();
    bot.command('start', (ctx) => ctx.reply(`欢迎 ${ctx.from?.first_name ?? ''}`));
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    startPolling(bot);

    server.sendText(alice, '/start');
    server.sendText(alice, '社保断缴怎么办？');
    const msgs = await server.waitForMessages(alice.id, (all) => all.length >= 2);
    expect(msgs.map((m) => m.text)).toEqual(['欢迎 爱丽丝', 'echo: 社保断缴怎么办？']);
    expect(msgs[1]!.message_id).toBeGreaterThan(msgs[0]!.message_id);
    expect(server.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['getMe', 'deleteWebhook', 'getUpdates']));
    expect(server.messagesTo(bob.id)).toEqual([]);
  });

  it('grammY runner: updates from two users reach the bot', async () => {
    const bot = newBot();
    bot.on('message:text', (ctx) => ctx.reply(`${ctx.chat.id}:${ctx.message.text}`));
    bot.catch(() => undefined);
    await bot.init();
    const handle = run(bot);
    cleanups.push(async () => {
      if (handle.isRunning()) await handle.stop();
    });
    server.sendText(alice, 'a');
    server.sendText(bob, 'b');
    const [a, b] = await Promise.all([
      server.waitForMessages(alice.id, (all) => all.length === 1),
      server.waitForMessages(bob.id, (all) => all.length === 1),
    ]);
    expect(a[0]!.text).toBe(`${alice.id}:a`);
    expect(b[0]!.text).toBe(`${bob.id}:b`);
  });

  it('rejects unknown chats, unknown tokens and unknown methods like Telegram', async () => {
    const bot = apiBot(alice);
    const err = await apiError(bot.api.sendMessage(4242, 'hello'));
    expect(err.error_code).toBe(400);
    expect(err.description).toBe('Bad Request: chat not found');

    const wrong = await fetch(`${server.apiRoot}/bot999:nope/getMe`, { method: 'POST' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });

    const unknown = await fetch(`${server.apiRoot}/bot${TOKEN}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });

    // method names are case-insensitive, as in Telegram
    const me = (await (await fetch(`${server.apiRoot}/bot${TOKEN}/getme`)).json()) as { result: { username: string } };
    expect(me.result.username).toBe('junheng_test_bot');
  });

  describe('parse_mode HTML', () => {
    const rejects: [string, string][] = [
      ['<div>块</div>', 'Unsupported start tag "div" at byte offset 0'],
      ['1 < 2', 'Unsupported start tag "" at byte offset 2'],
      ['费用<5元 以内', 'Unsupported start tag "5元" at byte offset 6'],
      ['<b>粗体', 'Can\'t find end tag corresponding to start tag "b"'],
      ['<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
      ['x</b>', 'Unexpected end tag at byte offset 1'],
      ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
      ['<a href="x">y</a', 'Unclosed end tag at byte offset 13'],
      ['text <', 'Unclosed start tag at byte offset 5'],
    ];
    it.each(rejects)('rejects %j', async (html, reason) => {
      const bot = apiBot(alice);
      const err = await apiError(bot.api.sendMessage(alice.id, html, { parse_mode: 'HTML' }));
      expect(err.error_code).toBe(400);
      expect(err.description).toBe(`Bad Request: can't parse entities: ${reason}`);
      expect(server.messagesTo(alice.id)).toEqual([]);
    });

    it('rejects an unescaped & that is not an entity (&nbsp; included)', async () => {
      const bot = apiBot(alice);
      for (const text of ['AT&T', 'a &nbsp; b', '<a href="https://x.cn/?a=1&b=2">x</a>']) {
        const err = await apiError(bot.api.sendMessage(alice.id, text, { parse_mode: 'HTML' }));
        expect(err.description).toMatch(/^Bad Request: can't parse entities: Character "&" at byte offset \d+/);
      }
    });

    it('accepts nested b/i/a/code with escaped entities and keeps plain text, raw HTML and entities', async () => {
      const bot = apiBot(alice);
      const html = '<b>粗 <i>斜 <a href="https://example.com/?a=1&amp;b=2">链接</a></i></b>\n'
        + '<code>x &lt; y &amp;&amp; z &gt; 0</code> &quot;引&quot; &#36;&#x4E2D; > ok\n'
        + '<blockquote expandable>引用</blockquote><span class="tg-spoiler">剧透</span><tg-spoiler>!</tg-spoiler>'
        + '<pre><code class="language-ts">let a = 1;</code></pre><u>下</u><s>删</s><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>';
      const sent = await bot.api.sendMessage(alice.id, html, { parse_mode: 'HTML' });
      const visible = '粗 斜 链接\nx < y && z > 0 "引" $中 > ok\n引用剧透!let a = 1;下删👍';
      expect(sent.text).toBe(visible);
      const [stored] = server.messagesTo(alice.id);
      expect(stored!.text).toBe(visible);
      expect(stored!.html).toBe(html);
      expect(stored!.parse_mode).toBe('HTML');
      expect(stored!.entities).toEqual([
        { type: 'bold', offset: 0, length: 6 },
        { type: 'italic', offset: 2, length: 4 },
        { type: 'text_link', offset: 4, length: 2, url: 'https://example.com/?a=1&b=2' },
        { type: 'code', offset: 7, length: 14 },
        { type: 'expandable_blockquote', offset: 34, length: 2 },
        { type: 'spoiler', offset: 36, length: 2 },
        { type: 'spoiler', offset: 38, length: 1 },
        { type: 'pre', offset: 39, length: 10, language: 'ts' },
        { type: 'underline', offset: 49, length: 1 },
        { type: 'strikethrough', offset: 50, length: 1 },
        { type: 'custom_emoji', offset: 51, length: 2, custom_emoji_id: '5368324170671202286' },
      ]);
    });

    it('parser: tag names are case-insensitive, entity offsets are UTF-16, ; is optional', () => {
      expect(parseTelegramHtml('😀<B>x</b>&lt')).toEqual({ text: '😀x<', entities: [{ type: 'bold', offset: 2, length: 1 }] });
    });

    it('rejects Markdown (not implemented) and unknown parse modes', async () => {
      const bot = apiBot(alice);
      expect((await apiError(bot.api.sendMessage(alice.id, '*x*', { parse_mode: 'MarkdownV2' }))).description)
        .toMatch(/only parse_mode HTML/);
      expect((await apiError(bot.api.sendMessage(alice.id, 'x', { parse_mode: 'BBCode' as 'HTML' }))).description)
        .toBe('Bad Request: unsupported parse_mode');
    });
  });

  describe('text length (visible text, UTF-16 code units)', () => {
    it('accepts 4096 and rejects 4097 characters', async () => {
      const bot = apiBot(alice);
      await bot.api.sendMessage(alice.id, '政'.repeat(4096));
      const err = await apiError(bot.api.sendMessage(alice.id, '政'.repeat(4097)));
      expect(err.error_code).toBe(400);
      expect(err.description).toBe('Bad Request: message is too long');
      expect(server.messagesTo(alice.id).map((m) => m.text.length)).toEqual([4096]);
    });

    it('counts the visible text after HTML parsing, and emoji as two units', async () => {
      const bot = apiBot(alice);
      await bot.api.sendMessage(alice.id, `<b>${'a'.repeat(4090)}</b>&amp;&lt;&gt;${'b'.repeat(3)}`, { parse_mode: 'HTML' });
      await bot.api.sendMessage(alice.id, '😀'.repeat(2048));
      const err = await apiError(bot.api.sendMessage(alice.id, `${'😀'.repeat(2048)}a`));
      expect(err.description).toBe('Bad Request: message is too long');
      expect(server.messagesTo(alice.id)).toHaveLength(2);
    });

    it('rejects an empty or whitespace-only text, also after HTML parsing', async () => {
      const bot = apiBot(alice);
      for (const [text, mode] of [['', undefined], ['  \n ', undefined], ['<b></b>', 'HTML']] as const) {
        const err = await apiError(bot.api.sendMessage(alice.id, text, mode ? { parse_mode: mode } : {}));
        expect(err.description).toBe('Bad Request: message text is empty');
      }
    });
  });

  describe('inline keyboards and callback queries', () => {
    it('callback_data is limited to 64 bytes of UTF-8', async () => {
      const bot = apiBot(alice);
      await bot.api.sendMessage(alice.id, 'ok', { reply_markup: new InlineKeyboard().text('64', 'x'.repeat(64)) });
      await bot.api.sendMessage(alice.id, 'ok', { reply_markup: new InlineKeyboard().text('63', '政'.repeat(21)) });
      for (const data of ['x'.repeat(65), '政'.repeat(22)]) {
        const err = await apiError(bot.api.sendMessage(alice.id, 'no', { reply_markup: new InlineKeyboard().text('b', data) }));
        expect(err.description).toBe('Bad Request: BUTTON_DATA_INVALID');
      }
      const noAction = await apiError(bot.api.sendMessage(alice.id, 'no', {
        reply_markup: { inline_keyboard: [[{ text: 'plain' } as never]] },
      }));
      expect(noAction.description).toBe('Bad Request: text buttons are unallowed in the inline keyboard');
      expect(server.messagesTo(alice.id)).toHaveLength(2);
    });

    it('pressButton produces a callback_query the bot sees; answer and edit are recorded', async () => {
      const bot = newBot();
      bot.command('start', (ctx) => ctx.reply('选择城市', {
        reply_markup: new InlineKeyboard().text('北京', 'city:bj').text('上海', 'city:sh').row().url('官网', 'https://www.gov.cn'),
      }));
      bot.callbackQuery(/^city:(.+)$/, async (ctx) => {
        await ctx.answerCallbackQuery({ text: '已选择' });
        await ctx.editMessageText(`你选择了 <b>${ctx.match[1]}</b>`, { parse_mode: 'HTML' });
      });
      startPolling(bot);

      server.sendText(alice, '/start');
      const [menu] = await server.waitForMessages(alice.id, (all) => all.length === 1);
      expect(menu!.reply_markup?.inline_keyboard?.[0]?.map((b) => b.callback_data)).toEqual(['city:bj', 'city:sh']);
      expect(() => server.pressButton(alice, menu!, 'city:gz')).toThrow(/no button with callback_data "city:gz"/);
      expect(() => server.pressButton(bob, menu!, 'city:sh')).toThrow(/not user 1002/);

      const queryId = server.pressButton(alice, menu!, 'city:sh');
      const [edited] = await server.waitForMessages(alice.id, (all) => all[0]!.edits === 1);
      expect(edited!.text).toBe('你选择了 sh');
      expect(edited!.html).toBe('你选择了 <b>sh</b>');
      // editMessageText without reply_markup removes the keyboard, as in Telegram
      expect(edited!.reply_markup).toBeUndefined();
      await server.waitForCall((c) => c.method === 'answerCallbackQuery' && c.ok === true);
      expect(server.callbackAnswered(queryId)).toBe(true);
      expect(server.callbackAnswer(queryId)).toMatchObject({ text: '已选择' });
      expect(() => server.pressButton(alice, menu!, 'city:bj')).toThrow(/its buttons: \(none\)/);
    });

    it('answering twice, unknown queries and no-op edits fail like Telegram', async () => {
      const bot = apiBot(alice);
      const msg = await bot.api.sendMessage(alice.id, '菜单', { reply_markup: new InlineKeyboard().text('A', 'a') });
      const [sent] = server.messagesTo(alice.id);
      const id = server.pressButton(alice, sent!, 'a');
      await bot.api.answerCallbackQuery(id);
      const again = await apiError(bot.api.answerCallbackQuery(id));
      expect(again.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
      const same = await apiError(bot.api.editMessageText(alice.id, msg.message_id, '菜单', {
        reply_markup: new InlineKeyboard().text('A', 'a'),
      }));
      expect(same.description).toMatch(/^Bad Request: message is not modified/);
      const missing = await apiError(bot.api.editMessageText(alice.id, 9999, 'x'));
      expect(missing.description).toBe('Bad Request: message to edit not found');
      await bot.api.editMessageReplyMarkup(alice.id, msg.message_id, { reply_markup: new InlineKeyboard().text('B', 'b') });
      expect(server.messagesTo(alice.id)[0]!.reply_markup?.inline_keyboard?.[0]?.[0]?.callback_data).toBe('b');
    });
  });

  describe('files', () => {
    it('bot sendDocument (InputFile from a Buffer) stores bytes and name; re-sending by file_id works', async () => {
      const bot = apiBot(alice);
      const bytes = Buffer.from('第一条\n第二条\n', 'utf8');
      const sent = await bot.api.sendDocument(alice.id, new InputFile(bytes, '清单 v2.txt'), {
        caption: '<b>核对清单</b>', parse_mode: 'HTML',
      });
      expect(sent.document?.file_name).toBe('清单 v2.txt');
      expect(sent.document?.file_size).toBe(bytes.length);
      const [stored] = server.messagesTo(alice.id);
      expect(stored!.document?.file_name).toBe('清单 v2.txt');
      expect(stored!.document?.bytes.equals(bytes)).toBe(true);
      expect(stored!.text).toBe('核对清单');

      await bot.api.sendDocument(alice.id, sent.document!.file_id);
      expect(server.messagesTo(alice.id)[1]!.document?.bytes.equals(bytes)).toBe(true);
      const empty = await apiError(bot.api.sendDocument(alice.id, new InputFile(Buffer.alloc(0), 'e.txt')));
      expect(empty.description).toBe('Bad Request: file must be non-empty');
      const unknown = await apiError(bot.api.sendDocument(alice.id, 'no-such-file-id'));
      expect(unknown.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
    });

    it('a user document is downloadable by the bot with getFile + the file route', async () => {
      const bot = newBot();
      bot.on('message:document', async (ctx) => {
        const file = await ctx.getFile();
        const res = await fetch(`${server.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
        const body = Buffer.from(await res.arrayBuffer());
        await ctx.reply(`${ctx.message.document.file_name}|${ctx.message.document.mime_type}|${body.toString('utf8')}`);
      });
      startPolling(bot);

      server.sendDocument(alice, '政策.txt', Buffer.from('养老保险缴费年限', 'utf8'));
      const [reply] = await server.waitForMessages(alice.id, (all) => all.length === 1);
      expect(reply!.text).toBe('政策.txt|text/plain|养老保险缴费年限');

      const notFound = await fetch(`${server.apiRoot}/file/bot${TOKEN}/documents/nope.txt`);
      expect(notFound.status).toBe(404);
      await notFound.arrayBuffer();
    });
  });

  describe('flood control and failures', () => {
    it('a 429 with retry_after is retried by @grammyjs/auto-retry', async () => {
      const bot = apiBot(alice);
      bot.api.config.use(autoRetry());
      server.failNext('sendMessage', 1, {
        error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 },
      });
      const started = Date.now();
      await bot.api.sendMessage(alice.id, '终于发出');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      const sends = server.calls.filter((c) => c.method === 'sendMessage');
      expect(sends.map((c) => c.error_code ?? 200)).toEqual([429, 200]);
      expect(server.messagesTo(alice.id).map((m) => m.text)).toEqual(['终于发出']);
    });

    it('without auto-retry the 429 reaches the caller; networkError destroys the socket', async () => {
      const bot = apiBot(alice);
      server.failNext('sendMessage', 1, {
        error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 },
      });
      const err = await apiError(bot.api.sendMessage(alice.id, 'x'));
      expect(err.error_code).toBe(429);
      expect(err.parameters.retry_after).toBe(7);

      server.failNext('sendChatAction', 1, { networkError: true });
      const netErr = await bot.api.sendChatAction(alice.id, 'typing').then(() => undefined, (e: unknown) => e);
      expect(netErr).toBeInstanceOf(HttpError);
      await bot.api.sendChatAction(alice.id, 'typing');
      expect(server.calls.filter((c) => c.method === 'sendChatAction' && c.ok).map((c) => c.body))
        .toEqual([{ chat_id: alice.id, action: 'typing' }]);
      const badAction = await apiError(bot.api.sendChatAction(alice.id, 'dancing' as 'typing'));
      expect(badAction.description).toBe('Bad Request: wrong parameter action in request');
    });

    it('two concurrent getUpdates: the older one is terminated with 409', async () => {
      const bot = newBot();
      const first = bot.api.getUpdates({ timeout: 5 }).then(() => undefined, (e: unknown) => e);
      await server.waitForCall((c) => c.method === 'getUpdates');
      expect(server.pollingActive).toBe(true);
      const second = bot.api.getUpdates({ timeout: 5 });
      const err = await first;
      expect(err).toBeInstanceOf(GrammyError);
      expect((err as GrammyError).error_code).toBe(409);
      expect((err as GrammyError).description).toMatch(/^Conflict: terminated by other getUpdates request/);
      server.sendText(alice, '在吗');
      const updates = await second;
      expect(updates.map((u) => u.message?.text)).toEqual(['在吗']);
    });

    it('getUpdates honours offset, limit and allowed_updates', async () => {
      const bot = newBot();
      const ids = [server.sendText(alice, 'one'), server.sendText(alice, 'two'), server.sendText(alice, 'three')];
      expect(ids).toEqual([1, 2, 3]);
      const first = await bot.api.getUpdates({ limit: 2 });
      expect(first.map((u) => u.message?.text)).toEqual(['one', 'two']);
      expect(first[1]!.update_id).toBe(first[0]!.update_id + 1);
      const rest = await bot.api.getUpdates({ offset: first[1]!.update_id + 1 });
      expect(rest.map((u) => u.message?.text)).toEqual(['three']);
      const onlyCallbacks = await bot.api.getUpdates({ offset: rest[0]!.update_id + 1, allowed_updates: ['callback_query'] });
      expect(onlyCallbacks).toEqual([]);
      server.sendText(alice, 'ignored');
      expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    });
  });

  it('a webhook blocks getUpdates (409) until deleteWebhook; deleteMessage removes a message', async () => {
    const bot = apiBot(alice);
    expect((await apiError(bot.api.setWebhook('http://127.0.0.1:9/hook'))).description)
      .toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    await bot.api.setWebhook('https://bot.example.cn/hook', { secret_token: 'abc_123' });
    const conflict = await apiError(bot.api.getUpdates());
    expect(conflict.error_code).toBe(409);
    expect(conflict.description).toMatch(/^Conflict: can't use getUpdates method while webhook is active/);
    await bot.api.deleteWebhook();
    expect((await bot.api.getUpdates()).map((u) => u.message?.text)).toEqual(['hi']);

    const sent = await bot.api.sendMessage(alice.id, '正在检索…');
    await bot.api.deleteMessage(alice.id, sent.message_id);
    expect(server.messagesTo(alice.id)).toEqual([]);
    expect((await apiError(bot.api.deleteMessage(alice.id, sent.message_id))).description)
      .toBe('Bad Request: message to delete not found');
  });

  it('setMyCommands validates and stores commands', async () => {
    const bot = newBot();
    await bot.api.setMyCommands([{ command: 'start', description: '开始' }, { command: 'help_2', description: '帮助' }]);
    expect(await bot.api.getMyCommands()).toEqual([
      { command: 'start', description: '开始' }, { command: 'help_2', description: '帮助' },
    ]);
    expect(server.myCommands().map((c) => c.command)).toEqual(['start', 'help_2']);
    for (const command of ['Start', 'a-b', '', 'x'.repeat(33)]) {
      const err = await apiError(bot.api.setMyCommands([{ command, description: 'd' }]));
      expect(err.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    }
    for (const description of ['', 'x'.repeat(257)]) {
      const err = await apiError(bot.api.setMyCommands([{ command: 'ok', description }]));
      expect(err.description).toBe('Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
    }
    expect(server.calls.filter((c) => c.method === 'setMyCommands' && c.ok)).toHaveLength(1);
  });

  it('waitForMessages rejects on timeout with what was received and the failed calls', async () => {
    const bot = apiBot(alice);
    await bot.api.sendMessage(alice.id, '第一条');
    await apiError(bot.api.sendMessage(alice.id, '<p>x</p>', { parse_mode: 'HTML' }));
    const err = await server.waitForMessages(alice.id, (all) => all.length === 2, 50).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/timed out after 50 ms/);
    expect((err as Error).message).toContain('#2: "第一条"');
    expect((err as Error).message).toContain('sendMessage → 400 Bad Request: can\'t parse entities: Unsupported start tag "p"');
  });

  it('stop() ends a pending long poll and closes the sockets', async () => {
    const bot = newBot();
    const poll = bot.api.getUpdates({ timeout: 30 });
    await server.waitForCall((c) => c.method === 'getUpdates');
    const started = Date.now();
    await server.stop();
    expect(await poll).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
