/**
 * A loopback fake of the Telegram Bot API for tests.
 *
 * It listens on 127.0.0.1 (ephemeral port) and speaks the Bot API's HTTP/JSON
 * well enough that a real grammY `Bot` created with
 * `new Bot(token, { client: { apiRoot: server.apiRoot } })` runs against it:
 * POST `${apiRoot}/bot${token}/${method}` with JSON, multipart/form-data (grammY's
 * InputFile uploads, `attach://` references), urlencoded or query-string
 * parameters, and GET `${apiRoot}/file/bot${token}/${file_path}` for downloads.
 *
 * It enforces the rules of the real API that a bot can break (HTML parse
 * errors, the 4096-character limit, callback_data bytes, unknown chats,
 * editing rules, one getUpdates at a time ...) with Telegram's status codes
 * and descriptions, so a test fails for the reason production would.
 *
 * Deliberate choices (where Telegram is unspecified or this fake is stricter):
 * - Text length is counted in UTF-16 code units of the visible text (after
 *   HTML parsing), the unit Telegram uses for entity offsets: an emoji outside
 *   the BMP counts 2. If Telegram counts code points this fake is stricter,
 *   never laxer. Leading/trailing whitespace is counted (no trimming) but a
 *   text that is only whitespace is "empty".
 * - An `&` that does not begin &lt; &gt; &amp; &quot; or a numeric reference
 *   is rejected (the documented rule). Real Telegram (tdlib) keeps it literally,
 *   so this is stricter than production. A bare `>` is accepted, as Telegram does.
 * - An inline button must carry exactly one action field (callback_data, url,
 *   ...). Telegram silently picks one when several are given; this rejects.
 * - parse_mode Markdown / MarkdownV2 are not implemented: such calls get a 400
 *   saying so, so a test never passes on unchecked markup.
 * - Files given by HTTP URL are not fetched (nothing leaves 127.0.0.1): 400.
 * - Only private chats exist: a chat is a user who has written to the bot.
 * - setWebhook is validated (HTTPS, ports 80/88/443/8443) and recorded, so getUpdates
 *   then gets Telegram's 409; updates are never pushed to the URL.
 * - deleteMessage removes the message: messagesTo() no longer lists it.
 *
 * Methods: getMe, getUpdates, deleteWebhook, setWebhook, getWebhookInfo, setMyCommands,
 * getMyCommands, deleteMyCommands, sendMessage, sendChatAction, answerCallbackQuery,
 * editMessageText, editMessageReplyMarkup, deleteMessage, sendDocument, getFile, logOut,
 * close. Any other method answers 404 "Not Found" (as Telegram does for unknown ones).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

// ───────────────────────────── public types ─────────────────────────────

export interface TestUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  [field: string]: unknown;
}

export interface ReplyMarkup {
  inline_keyboard?: InlineButton[][];
  [field: string]: unknown;
}

/** A message the bot sent (its current state: edits are applied). */
export interface SentMessage {
  message_id: number;
  chat_id: number;
  /** Visible plain text: tags stripped, entities decoded. For a document, its caption ('' if none). */
  text: string;
  /** The raw text/caption exactly as sent, when parse_mode was HTML. */
  html?: string;
  parse_mode?: string;
  entities?: MessageEntity[];
  reply_markup?: ReplyMarkup;
  document?: { file_id: string; file_name: string; mime_type: string; bytes: Buffer };
  reply_to_message_id?: number;
  date: number;
  /** Set when the message was edited (editMessageText / editMessageReplyMarkup). */
  edit_date?: number;
  /** How many successful edits the message has had. */
  edits: number;
}

export interface ApiCall {
  method: string;
  /** The parameters as received (uploaded file parts appear as { file_name, size }). */
  body: unknown;
  at: number;
  /** Filled in when the call has been answered. */
  ok?: boolean;
  error_code?: number;
  description?: string;
}

export type FailResponse =
  | { error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } }
  | { networkError: true };

export interface BotApiServerOptions {
  token: string;
  botUsername?: string;
  botFirstName?: string;
}

// ───────────────────────────── limits ─────────────────────────────

export const LIMITS = {
  messageText: 4096,
  caption: 1024,
  callbackData: 64,
  commandLength: 32,
  commandDescription: 256,
  commandsCount: 100,
  uploadBytes: 50 * 1024 * 1024,
  downloadBytes: 20 * 1024 * 1024,
  callbackAnswerText: 200,
} as const;

const DEFAULT_ALLOWED = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection',
  'business_message', 'edited_business_message', 'deleted_business_messages', 'inline_query', 'chosen_inline_result',
  'callback_query', 'shipping_query', 'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer',
  'my_chat_member', 'chat_join_request', 'chat_boost', 'removed_chat_boost'];

const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);

const BUTTON_ACTIONS = ['callback_data', 'url', 'web_app', 'login_url', 'switch_inline_query',
  'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'];

const NOT_MODIFIED = 'Bad Request: message is not modified: specified new message content and reply markup are '
  + 'exactly the same as a current content and reply markup of the message';

// ───────────────────────────── errors ─────────────────────────────

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const bad = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

// ───────────────────────────── Telegram HTML ─────────────────────────────

export class EntityParseError extends Error {}

const HTML_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji',
  'span', 'pre', 'code', 'blockquote']);

/** tdlib's is_space, which also treats the terminating NUL as a space. */
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\0'
  || c === '\v' || c === '\f';
const isAsciiAlpha = (c: string): boolean => /^[A-Za-z]$/.test(c);
const isAsciiDigit = (c: string): boolean => c >= '0' && c <= '9' && c.length === 1;
const isAsciiAlnum = (c: string): boolean => isAsciiAlpha(c) || isAsciiDigit(c);
const isHexDigit = (c: string): boolean => /^[0-9A-Fa-f]$/.test(c);

/** tdlib's decode_html_entity: &lt; &gt; &amp; &quot; and numeric references, ';' optional. */
function decodeHtmlEntity(s: string, pos: number): { code: number; end: number } | null {
  const at = (i: number): string => (i < s.length ? s[i]! : '\0');
  let end = pos + 1;
  let code = 0;
  if (at(pos + 1) === '#') {
    end++;
    if (at(pos + 2) === 'x') {
      end++;
      while (isHexDigit(at(end))) code = code * 16 + parseInt(at(end++), 16);
    } else {
      while (isAsciiDigit(at(end))) code = code * 10 + Number(at(end++));
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return null;
  } else {
    while (isAsciiAlpha(at(end))) end++;
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    code = named[s.slice(pos + 1, end)] ?? 0;
    if (code === 0) return null;
  }
  if (at(end) === ';') end++;
  return { code, end };
}

/**
 * Parses text the way Telegram parses parse_mode HTML (tdlib's parse_html, with
 * its error messages and UTF-8 byte offsets). Returns the visible text and the
 * entities (offsets/lengths in UTF-16 code units). Throws EntityParseError.
 */
export function parseTelegramHtml(html: string): { text: string; entities: MessageEntity[] } {
  const n = html.length;
  const at = (i: number): string => (i < n ? html[i]! : '\0');
  const byteOffset = (i: number): number => Buffer.byteLength(html.slice(0, i), 'utf8');
  const fail = (msg: string): never => {
    throw new EntityParseError(msg);
  };
  let out = '';
  let loneSurrogate = false;
  const entities: MessageEntity[] = [];
  const stack: { tag: string; arg: string; offset: number }[] = [];

  for (let i = 0; i < n; i++) {
    const c = html[i]!;
    if (c === '&') {
      const decoded = decodeHtmlEntity(html, i);
      if (decoded) {
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) loneSurrogate = true;
        out += String.fromCodePoint(decoded.code);
        i = decoded.end - 1;
        continue;
      }
      fail(`Character "&" at byte offset ${byteOffset(i)} must be escaped as &amp; (only &lt; &gt; &amp; &quot; and `
        + `numeric references are entities)`);
    }
    if (c !== '<') {
      out += c;
      continue;
    }
    const begin = i++;
    if (at(i) !== '/') {
      // start tag
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      const tag = html.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);
      let arg = '';
      while (at(i) !== '>') {
        while (i < n && isSpace(at(i))) i++;
        if (at(i) === '>') break;
        const attrBegin = i;
        while (!isSpace(at(i)) && !'=>/"\''.includes(at(i))) i++;
        const attr = html.slice(attrBegin, i);
        if (attr === '') fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        while (i < n && isSpace(at(i))) i++;
        if (at(i) !== '=') {
          if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);
          if (tag === 'blockquote' && attr === 'expandable') arg = '1';
          continue;
        }
        i++;
        while (i < n && isSpace(at(i))) i++;
        if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);
        let value = '';
        if (at(i) !== '"' && at(i) !== "'") {
          const tokenBegin = i;
          while (isAsciiAlnum(at(i)) || at(i) === '.' || at(i) === '-') i++;
          if (!isSpace(at(i)) && at(i) !== '>') fail(`Unexpected end of name token at byte offset ${byteOffset(tokenBegin)}`);
          value = html.slice(tokenBegin, i).toLowerCase();
        } else {
          const quote = html[i++]!;
          while (i < n && at(i) !== quote) {
            if (at(i) === '&') {
              const decoded = decodeHtmlEntity(html, i);
              if (decoded) {
                value += String.fromCodePoint(decoded.code);
                i = decoded.end;
                continue;
              }
              fail(`Character "&" at byte offset ${byteOffset(i)} must be escaped as &amp;`);
            }
            value += html[i++]!;
          }
          if (at(i) === quote) i++;
        }
        if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
        if ((tag === 'a' && attr === 'href') || (tag === 'tg-emoji' && attr === 'emoji-id')) arg = value;
        else if (tag === 'code' && attr === 'class' && value.startsWith('language-')) arg = value.slice(9);
        else if (tag === 'span' && attr === 'class' && value.startsWith('tg-')) arg = value.slice(3);
        else if (tag === 'blockquote' && attr === 'expandable') arg = '1';
      }
      if (tag === 'span' && arg !== 'spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      stack.push({ tag, arg, offset: out.length });
    } else {
      // end tag
      const open = stack[stack.length - 1];
      if (!open) fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      const endTag = html.slice(begin + 2, i).toLowerCase();
      while (i < n && isSpace(at(i))) i++;
      if (at(i) !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
      const top = open!;
      if (endTag !== '' && endTag !== top.tag) {
        fail(`Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${top.tag}>", found "</${endTag}>"`);
      }
      const length = out.length - top.offset;
      if (length > 0) addHtmlEntity(entities, top, length, out);
      stack.pop();
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  if (loneSurrogate) {
    fail('Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units');
  }
  for (const e of entities) if (e.type === 'code') delete e.language;
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

function addHtmlEntity(entities: MessageEntity[], open: { tag: string; arg: string; offset: number }, length: number,
  out: string): void {
  const { offset } = open;
  const last = entities[entities.length - 1];
  const sameSpan = last !== undefined && last.offset === offset && last.length === length;
  switch (open.tag) {
    case 'b': case 'strong': entities.push({ type: 'bold', offset, length }); break;
    case 'i': case 'em': entities.push({ type: 'italic', offset, length }); break;
    case 'u': case 'ins': entities.push({ type: 'underline', offset, length }); break;
    case 's': case 'strike': case 'del': entities.push({ type: 'strikethrough', offset, length }); break;
    case 'tg-spoiler': case 'span': entities.push({ type: 'spoiler', offset, length }); break;
    case 'blockquote':
      entities.push({ type: open.arg ? 'expandable_blockquote' : 'blockquote', offset, length });
      break;
    case 'tg-emoji':
      if (!/^[0-9]+$/.test(open.arg) || BigInt(open.arg) === 0n || BigInt(open.arg) >= 2n ** 63n) {
        throw new EntityParseError('Invalid custom emoji identifier specified');
      }
      entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.arg });
      break;
    case 'a': {
      const url = open.arg !== '' ? open.arg : out.slice(offset);
      if (url !== '') entities.push({ type: 'text_link', offset, length, url });
      break;
    }
    case 'pre':
      if (last && sameSpan && last.type === 'code' && last.language) last.type = 'pre';
      else entities.push({ type: 'pre', offset, length });
      break;
    case 'code':
      if (last && sameSpan && last.type === 'pre' && open.arg) last.language = open.arg;
      else entities.push(open.arg ? { type: 'code', offset, length, language: open.arg } : { type: 'code', offset, length });
      break;
  }
}

// ───────────────────────────── multipart ─────────────────────────────

interface UploadedPart {
  file_name: string;
  content_type?: string;
  bytes: Buffer;
}

/**
 * multipart/form-data as grammY writes it (`content-disposition:form-data;name="x";filename=a b.txt`,
 * unquoted filename, no spaces) and as browsers/curl write it.
 */
function parseMultipart(body: Buffer, boundary: string): { fields: Record<string, string>; files: Map<string, UploadedPart> } {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedPart>();
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad('can\'t parse multipart/form-data body: boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing --boundary--
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw bad('can\'t parse multipart/form-data body: unterminated part headers');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const contentStart = headerEnd + 4;
    const contentEnd = body.indexOf(next, contentStart);
    if (contentEnd < 0) throw bad('can\'t parse multipart/form-data body: unterminated part');
    const content = body.subarray(contentStart, contentEnd);
    let name: string | undefined;
    let fileName: string | undefined;
    let contentType: string | undefined;
    for (const line of headers) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-type') contentType = value;
      if (key !== 'content-disposition') continue;
      const nameMatch = /(?:^|;)\s*name=(?:"([^"]*)"|([^;\s]*))/i.exec(value);
      name = nameMatch?.[1] ?? nameMatch?.[2];
      const quoted = /;\s*filename="([^"]*)"/i.exec(value);
      const unquoted = /;\s*filename=([^"].*)$/i.exec(value);
      const extended = /;\s*filename\*=(?:UTF-8|utf-8)''([^;]*)/.exec(value);
      if (quoted) fileName = quoted[1];
      else if (extended) fileName = decodeURIComponent(extended[1]!);
      else if (unquoted) fileName = unquoted[1]!.trim();
    }
    if (name !== undefined) {
      if (fileName !== undefined) files.set(name, { file_name: fileName, content_type: contentType, bytes: Buffer.from(content) });
      else fields[name] = content.toString('utf8');
    }
    pos = contentEnd + 2;
  }
  return { fields, files };
}

// ───────────────────────────── internal state ─────────────────────────────

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_name: string;
  mime_type: string;
  bytes: Buffer;
  file_path?: string;
}

interface ChatInfo {
  id: number;
  user: TestUser;
}

interface StoredMessage {
  message_id: number;
  chat_id: number;
  fromBot: boolean;
  from: TestUser | null;
  date: number;
  text: string;
  html?: string;
  parse_mode?: string;
  entities?: MessageEntity[];
  caption?: boolean;
  reply_markup?: ReplyMarkup;
  document?: StoredFile;
  reply_to_message_id?: number;
  edit_date?: number;
  edits: number;
}

interface QueuedUpdate {
  update_id: number;
  type: string;
  payload: unknown;
}

interface PendingPoll {
  res: ServerResponse;
  call: ApiCall;
  limit: number;
  timer: NodeJS.Timeout;
}

interface Waiter {
  check: () => boolean;
}

type Params = Record<string, unknown>;

interface RequestContext {
  files: Map<string, UploadedPart>;
}

type Handler = (params: Params, ctx: RequestContext) => unknown;

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf', txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', json: 'application/json',
  html: 'text/html', xml: 'application/xml', zip: 'application/zip', png: 'image/png', jpg: 'image/jpeg',
  jpeg: 'image/jpeg', gif: 'image/gif', doc: 'application/msword', xls: 'application/vnd.ms-excel',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

function extOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

function describeMessages(all: SentMessage[]): string {
  if (all.length === 0) return '  (nothing)';
  return all.map((m) => {
    const buttons = m.reply_markup?.inline_keyboard?.flat().map((b) => `[${b.text}${b.callback_data !== undefined
      ? ` → ${b.callback_data}` : ''}]`).join(' ');
    const doc = m.document ? ` 📎${m.document.file_name} (${m.document.bytes.length} bytes)` : '';
    return `  #${m.message_id}${m.edits ? ` (edited ×${m.edits})` : ''}: ${JSON.stringify(m.text)}${doc}${buttons ? ` ${buttons}` : ''}`;
  }).join('\n');
}

// ───────────────────────────── the server ─────────────────────────────

export class BotApiServer {
  readonly apiRoot: string;
  readonly token: string;
  readonly botUser: { id: number; is_bot: true; first_name: string; username: string };
  /** Every request, in arrival order. */
  readonly calls: ApiCall[] = [];

  private readonly server: Server;
  private stopped = false;
  private readonly updates: QueuedUpdate[] = [];
  private nextUpdateId = 100_000_001;
  private allowedUpdates = new Set(DEFAULT_ALLOWED);
  private pendingPoll: PendingPoll | undefined;
  private webhookUrl: string | undefined;
  private readonly chats = new Map<number, ChatInfo>();
  private readonly messages = new Map<number, StoredMessage[]>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filePaths = new Map<string, StoredFile>();
  private fileCounter = 0;
  private readonly callbackQueries = new Map<string, { chat_id: number; answered: boolean; answer?: Params }>();
  private callbackCounter = 0;
  private readonly commands = new Map<string, { command: string; description: string }[]>();
  private readonly failures = new Map<string, { count: number; response: FailResponse }>();
  private latency: ((method: string) => number) | undefined;
  private readonly blocked = new Set<number>();
  private readonly waiters = new Set<Waiter>();
  private readonly handlers: Map<string, { name: string; fn: Handler }>;

  private constructor(server: Server, opts: BotApiServerOptions) {
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = opts.token;
    const idFromToken = /^(\d+):/.exec(opts.token)?.[1];
    this.botUser = {
      id: idFromToken ? Number(idFromToken) : 7_000_000_001,
      is_bot: true,
      first_name: opts.botFirstName ?? 'Junheng Test Bot',
      username: opts.botUsername ?? 'junheng_test_bot',
    };
    const table: Record<string, Handler> = {
      getMe: () => this.getMe(),
      logOut: () => true,
      close: () => true,
      deleteWebhook: (p) => this.deleteWebhook(p),
      setWebhook: (p) => this.setWebhook(p),
      getWebhookInfo: () => ({
        url: this.webhookUrl ?? '', has_custom_certificate: false, pending_update_count: this.updates.length,
      }),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands.get(this.commandsKey(p)) ?? [],
      deleteMyCommands: (p) => (this.commands.delete(this.commandsKey(p)), true),
      sendMessage: (p) => this.sendMessage(p),
      sendChatAction: (p) => this.sendChatAction(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      sendDocument: (p, ctx) => this.sendDocumentFromBot(p, ctx),
      getFile: (p) => this.getFile(p),
    };
    this.handlers = new Map(Object.entries(table).map(([name, fn]) => [name.toLowerCase(), { name, fn }]));
    server.on('request', (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.reply(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` });
      });
    });
  }

  static async start(opts: BotApiServerOptions): Promise<BotApiServer> {
    const server = createServer();
    server.keepAliveTimeout = 60_000; // no keep-alive races inside a test; stop() closes everything
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new BotApiServer(server, opts);
  }

  /** Ends a pending long poll (with an empty result), rejects waiters, closes every socket. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const poll = this.pendingPoll;
    if (poll) {
      this.pendingPoll = undefined;
      clearTimeout(poll.timer);
      this.finishCall(poll.call, poll.res, 200, { ok: true, result: [] });
    }
    for (const w of [...this.waiters]) w.check();
    this.waiters.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ───────────── test hooks ─────────────

  /** The next `count` calls of `method` fail with `response` (a 429 etc., or a destroyed socket). */
  failNext(method: string, count: number, response: FailResponse): void {
    this.failures.set(method.toLowerCase(), { count, response });
  }

  /**
   * Answers each call of the bot after `delay(method)` milliseconds (0 or less: at once), the way a
   * real Bot API's response times vary; getUpdates is never delayed. `undefined` turns it off.
   */
  setLatency(delay: ((method: string) => number) | undefined): void {
    this.latency = delay;
  }

  /** Queues an update exactly as given (one a real client would never produce, or a forged one). */
  injectUpdate(type: string, payload: unknown): void {
    this.enqueue(type, payload);
  }

  /** The user blocks the bot: sends to this chat get 403 "Forbidden: bot was blocked by the user". */
  blockBot(userId: number): void {
    this.blocked.add(userId);
  }

  /** Is a getUpdates long poll currently waiting? */
  get pollingActive(): boolean {
    return this.pendingPoll !== undefined;
  }

  /** The commands set with setMyCommands (default scope and language unless given). */
  myCommands(scope: unknown = { type: 'default' }, languageCode = ''): { command: string; description: string }[] {
    return this.commands.get(this.commandsKey({ scope, language_code: languageCode })) ?? [];
  }

  // ───────────── user side ─────────────

  /** The user writes `text` to the bot in their private chat. Returns the message_id. */
  sendText(user: TestUser, text: string): number {
    if (text.trim() === '') throw new Error('sendText: Telegram does not let a user send an empty message');
    if (text.length > LIMITS.messageText) throw new Error('sendText: a user message is at most 4096 characters');
    this.registerChat(user);
    const msg = this.storeMessage(user.id, { fromBot: false, from: user, text, entities: commandEntities(text) });
    this.enqueue('message', this.messageJson(msg));
    return msg.message_id;
  }

  /** The user sends a file to the bot. Returns the message_id; the bot can getFile + download it. */
  sendDocument(user: TestUser, fileName: string, bytes: Buffer, mimeType?: string, caption?: string): number {
    this.registerChat(user);
    const file = this.storeFile(fileName, bytes, mimeType);
    const msg = this.storeMessage(user.id, {
      fromBot: false, from: user, text: caption ?? '', caption: true, document: file,
      entities: caption ? commandEntities(caption) : undefined,
    });
    this.enqueue('message', this.messageJson(msg));
    return msg.message_id;
  }

  /** The user taps an inline button of a bot message. Throws if that message has no such button. Returns the query id. */
  pressButton(user: TestUser, message: Pick<SentMessage, 'chat_id' | 'message_id'>, callbackData: string): string {
    if (message.chat_id !== user.id) {
      throw new Error(`pressButton: message #${message.message_id} is in chat ${message.chat_id}, not user ${user.id}'s chat`);
    }
    const stored = this.messages.get(message.chat_id)?.find((m) => m.message_id === message.message_id && m.fromBot);
    if (!stored) throw new Error(`pressButton: the bot sent no message #${message.message_id} to chat ${message.chat_id}`);
    const buttons = stored.reply_markup?.inline_keyboard?.flat() ?? [];
    if (!buttons.some((b) => b.callback_data === callbackData)) {
      const have = buttons.map((b) => `[${b.text}${b.callback_data !== undefined ? ` → ${b.callback_data}` : ''}]`).join(' ');
      throw new Error(`pressButton: message #${stored.message_id} has no button with callback_data ${JSON.stringify(
        callbackData)}; its buttons: ${have || '(none)'}`);
    }
    const id = String(4_000_000_000_000_000_000n / 1000n + BigInt(++this.callbackCounter) * 7919n);
    this.callbackQueries.set(id, { chat_id: message.chat_id, answered: false });
    this.enqueue('callback_query', {
      id,
      from: userJson(user),
      message: this.messageJson(stored),
      chat_instance: String(-8_000_000_000_000_000_000n / 1000n + BigInt(message.chat_id)),
      data: callbackData,
    });
    return id;
  }

  /** Everything the bot sent to the chat, in order, as currently shown (edits applied). Snapshots. */
  messagesTo(chatId: number): SentMessage[] {
    return (this.messages.get(chatId) ?? []).filter((m) => m.fromBot).map((m) => this.snapshot(m));
  }

  /**
   * Resolves with messagesTo(chatId) as soon as `predicate` holds (checked now and on every bot send/edit to
   * the chat); rejects after `timeoutMs` with what was received and the bot's failed calls.
   */
  waitForMessages(chatId: number, predicate: (all: SentMessage[]) => boolean, timeoutMs = 10_000): Promise<SentMessage[]> {
    let seen = -1;
    return this.waitFor(() => {
      // Checked again only when the chat changed: with many users waiting, every API call would
      // otherwise copy every waiting chat's messages (the load benches measured the harness, not the bot).
      const version = this.chatVersions.get(chatId) ?? 0;
      if (version === seen) return undefined;
      seen = version;
      const all = this.messagesTo(chatId);
      return predicate(all) ? all : undefined;
    }, timeoutMs, () => {
      const failed = this.calls.filter((c) => c.ok === false && chatOf(c.body) === chatId)
        .map((c) => `  ${c.method} → ${c.error_code} ${c.description}`).join('\n');
      return `waitForMessages(chat ${chatId}) timed out after ${timeoutMs} ms. The bot sent:\n`
        + `${describeMessages(this.messagesTo(chatId))}${failed ? `\nFailed bot calls for this chat:\n${failed}` : ''}`;
    });
  }

  /** Resolves with the first call (answered or not) matching `predicate`, now or when it arrives / is answered. */
  waitForCall(predicate: (call: ApiCall) => boolean, timeoutMs = 10_000): Promise<ApiCall> {
    return this.waitFor(() => this.calls.find(predicate), timeoutMs, () => `waitForCall timed out after ${timeoutMs} ms. `
      + `Calls: ${this.calls.map((c) => `${c.method}${c.ok === false ? `(${c.error_code})` : ''}`).join(', ') || '(none)'}`);
  }

  callbackAnswered(callbackQueryId: string): boolean {
    return this.callbackQueries.get(callbackQueryId)?.answered ?? false;
  }

  /** The parameters of answerCallbackQuery for that query (text, show_alert, ...), if answered. */
  callbackAnswer(callbackQueryId: string): Params | undefined {
    return this.callbackQueries.get(callbackQueryId)?.answer;
  }

  // ───────────── HTTP plumbing ─────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileRoute) {
      req.resume();
      this.serveFile(decodeURIComponent(fileRoute[1]!), decodeURIComponent(fileRoute[2]!), res);
      return;
    }
    const route = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
    if (!route) {
      req.resume();
      this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const token = decodeURIComponent(route[1]!);
    const methodRaw = route[2]!;
    const body = await readBody(req, LIMITS.uploadBytes + 1024 * 1024);
    if (token !== this.token) {
      this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const handler = this.handlers.get(methodRaw.toLowerCase());
    const isGetUpdates = methodRaw.toLowerCase() === 'getupdates';
    const method = handler?.name ?? (isGetUpdates ? 'getUpdates' : methodRaw);
    const call: ApiCall = { method, body: {}, at: Date.now() };
    this.calls.push(call);
    let params: Params;
    const ctx: RequestContext = { files: new Map() };
    try {
      if (body === 'too-large') throw new ApiError(413, 'Request Entity Too Large');
      params = parseParams(req, url, body, ctx);
      call.body = describeParams(params, ctx);
    } catch (err) {
      this.finishWithError(call, res, err);
      return;
    }
    this.notify();
    if (!handler && !isGetUpdates) {
      this.finishCall(call, res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const delay = isGetUpdates ? 0 : (this.latency?.(method) ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = this.failures.get(method.toLowerCase());
    if (failure && failure.count > 0) {
      if (--failure.count === 0) this.failures.delete(method.toLowerCase());
      if ('networkError' in failure.response) {
        call.ok = false;
        call.description = 'network error (socket destroyed)';
        req.socket.destroy();
        this.notify();
        return;
      }
      const { error_code, description, parameters } = failure.response;
      this.finishCall(call, res, error_code, { ok: false, error_code, description, ...(parameters ? { parameters } : {}) });
      return;
    }
    if (isGetUpdates) {
      this.getUpdates(params, call, res);
      return;
    }
    try {
      const result = handler!.fn(params, ctx);
      this.finishCall(call, res, 200, { ok: true, result });
    } catch (err) {
      this.finishWithError(call, res, err);
    }
  }

  private finishWithError(call: ApiCall, res: ServerResponse, err: unknown): void {
    if (err instanceof ApiError) {
      this.finishCall(call, res, err.code, {
        ok: false, error_code: err.code, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}),
      });
    } else {
      this.finishCall(call, res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` });
    }
  }

  private finishCall(call: ApiCall, res: ServerResponse, status: number, payload: Record<string, unknown>): void {
    call.ok = payload.ok === true;
    if (!call.ok) {
      call.error_code = payload.error_code as number;
      call.description = payload.description as string;
    }
    this.reply(res, status, payload);
    this.notify();
  }

  private reply(res: ServerResponse, status: number, payload: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private serveFile(token: string, filePath: string, res: ServerResponse): void {
    if (token !== this.token) {
      this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const file = this.filePaths.get(filePath);
    if (!file) {
      this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, onTimeout: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          if (this.stopped) {
            finish();
            reject(new Error(`BotApiServer stopped while waiting. ${onTimeout()}`));
            return true;
          }
          let value: T | undefined;
          try {
            value = probe();
          } catch (err) {
            finish();
            reject(err instanceof Error ? err : new Error(String(err)));
            return true;
          }
          if (value === undefined) return false;
          finish();
          resolve(value);
          return true;
        },
      };
      const finish = (): void => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      if (waiter.check()) return;
      this.waiters.add(waiter);
      timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(onTimeout()));
      }, timeoutMs);
    });
  }

  /** A counter per chat, moved on every message stored, edited or deleted there. */
  private readonly chatVersions = new Map<number, number>();

  private changed(chatId: number): void {
    this.chatVersions.set(chatId, (this.chatVersions.get(chatId) ?? 0) + 1);
  }

  private notify(): void {
    for (const w of [...this.waiters]) w.check();
  }

  // ───────────── updates ─────────────

  private enqueue(type: string, payload: unknown): void {
    if (this.stopped) throw new Error('BotApiServer is stopped');
    const update = { update_id: this.nextUpdateId++, type, payload };
    if (this.push && this.webhookUrl !== undefined) {
      this.push({ update_id: update.update_id, [type]: payload });
      return;
    }
    this.updates.push(update);
    this.flushPoll();
  }

  private push: ((update: Record<string, unknown> & { update_id: number }) => void) | undefined;

  /**
   * Webhook mode as Telegram runs it: once the bot has called setWebhook, each
   * new update goes to `deliver` (the test's stand-in for Telegram's POST to
   * the webhook, behind a load balancer) instead of the getUpdates queue.
   */
  pushUpdates(deliver: (update: Record<string, unknown> & { update_id: number }) => void): void {
    this.push = deliver;
  }

  /** The URL the bot registered with setWebhook, if any. */
  registeredWebhook(): string | undefined {
    return this.webhookUrl;
  }

  private deliverable(limit: number): Record<string, unknown>[] {
    return this.updates
      .filter((u) => this.allowedUpdates.has(u.type))
      .slice(0, limit)
      .map((u) => ({ update_id: u.update_id, [u.type]: u.payload }));
  }

  private flushPoll(): void {
    const poll = this.pendingPoll;
    if (!poll) return;
    const ready = this.deliverable(poll.limit);
    if (ready.length === 0) return;
    this.pendingPoll = undefined;
    clearTimeout(poll.timer);
    this.finishCall(poll.call, poll.res, 200, { ok: true, result: ready });
  }

  private getUpdates(p: Params, call: ApiCall, res: ServerResponse): void {
    // Telegram: a newer getUpdates terminates the one in progress with 409.
    const previous = this.pendingPoll;
    if (previous) {
      this.pendingPoll = undefined;
      clearTimeout(previous.timer);
      this.finishCall(previous.call, previous.res, 409, {
        ok: false, error_code: 409,
        description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      });
    }
    let offset: number, limit: number, timeout: number;
    try {
      if (this.webhookUrl !== undefined) {
        throw new ApiError(409, 'Conflict: can\'t use getUpdates method while webhook is active; use deleteWebhook to '
          + 'delete the webhook first');
      }
      offset = optInt(p, 'offset') ?? 0;
      limit = Math.min(100, Math.max(1, optInt(p, 'limit') ?? 100));
      timeout = Math.max(0, optInt(p, 'timeout') ?? 0);
      const allowed = optJson(p, 'allowed_updates', 'allowed_updates');
      if (allowed !== undefined) {
        if (!Array.isArray(allowed)) throw bad('can\'t parse allowed_updates: an Array expected');
        this.allowedUpdates = new Set(allowed.length === 0 ? DEFAULT_ALLOWED : allowed.map(String));
      }
    } catch (err) {
      this.finishWithError(call, res, err);
      return;
    }
    if (offset > 0) {
      while (this.updates.length > 0 && this.updates[0]!.update_id < offset) this.updates.shift();
    } else if (offset < 0) {
      this.updates.splice(0, Math.max(0, this.updates.length + offset));
    }
    const ready = this.deliverable(limit);
    if (ready.length > 0 || timeout === 0 || this.stopped) {
      this.finishCall(call, res, 200, { ok: true, result: ready });
      return;
    }
    const timer = setTimeout(() => {
      if (this.pendingPoll?.res !== res) return;
      this.pendingPoll = undefined;
      this.finishCall(call, res, 200, { ok: true, result: [] });
    }, timeout * 1000);
    this.pendingPoll = { res, call, limit, timer };
    res.on('close', () => {
      // The client gave up (grammY's bot.stop() aborts its poll): forget it.
      if (this.pendingPoll?.res === res) {
        clearTimeout(timer);
        this.pendingPoll = undefined;
        call.ok = false;
        call.description = 'aborted by the client';
        this.notify();
      }
    });
  }

  // ───────────── bot methods ─────────────

  private getMe(): unknown {
    return {
      ...this.botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }

  private deleteWebhook(p: Params): true {
    if (optBool(p, 'drop_pending_updates')) this.updates.length = 0;
    this.webhookUrl = undefined;
    return true;
  }

  /** Validated and recorded (getUpdates then answers 409, as in Telegram); updates are not pushed to it. */
  private setWebhook(p: Params): true {
    const url = optStr(p, 'url') ?? '';
    if (url === '') {
      this.webhookUrl = undefined;
      return true;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (parsed.protocol !== 'https:') throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    if (!['', '80', '88', '443', '8443'].includes(parsed.port)) {
      throw bad('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    }
    const secret = optStr(p, 'secret_token');
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw bad('bad webhook: secret token contains unallowed characters');
    }
    if (optBool(p, 'drop_pending_updates')) this.updates.length = 0;
    this.webhookUrl = url;
    return true;
  }

  private commandsKey(p: Params): string {
    const scope = optJson(p, 'scope', 'scope') ?? { type: 'default' };
    const lang = optStr(p, 'language_code') ?? '';
    return `${JSON.stringify(scope)}|${lang}`;
  }

  private setMyCommands(p: Params): true {
    const commands = optJson(p, 'commands', 'commands');
    if (!Array.isArray(commands)) throw bad('parameter "commands" is required and must be an Array');
    if (commands.length > LIMITS.commandsCount) throw bad('too many commands specified');
    const clean = commands.map((c: unknown) => {
      const o = (c ?? {}) as Record<string, unknown>;
      const command = o.command;
      const description = o.description;
      if (typeof command !== 'string' || typeof description !== 'string') {
        throw bad('can\'t parse BotCommand: fields "command" and "description" must be Strings');
      }
      if (command.length < 1 || command.length > LIMITS.commandLength || !/^[a-z0-9_]+$/.test(command)) {
        throw bad('BOT_COMMAND_INVALID');
      }
      if (description.trim().length < 1 || description.length > LIMITS.commandDescription) {
        throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return { command, description };
    });
    this.commands.set(this.commandsKey(p), clean);
    return true;
  }

  private sendMessage(p: Params): unknown {
    const chatId = this.chatFor(p);
    const formatted = formatText(p, 'text', 'parse_mode', 'entities');
    if (formatted.text.trim() === '') throw bad('message text is empty');
    if (formatted.text.length > LIMITS.messageText) throw bad('message is too long');
    const reply_markup = validateReplyMarkup(p.reply_markup, false);
    const reply_to_message_id = this.replyTarget(chatId, p);
    const msg = this.storeMessage(chatId, {
      fromBot: true, from: null, ...formatted, reply_markup: emptyToUndefined(reply_markup), reply_to_message_id,
    });
    this.notify();
    return this.messageJson(msg);
  }

  private sendDocumentFromBot(p: Params, ctx: RequestContext): unknown {
    const chatId = this.chatFor(p);
    const doc = p.document;
    let file: StoredFile | undefined;
    const part = typeof doc === 'string' && doc.startsWith('attach://') ? ctx.files.get(doc.slice(9))
      : ctx.files.get('document');
    if (part) {
      if (part.bytes.length === 0) throw bad('file must be non-empty');
      file = this.storeFile(part.file_name, part.bytes);
    } else if (typeof doc === 'string' && doc.startsWith('attach://')) {
      throw bad(`file for ${doc} not found in the multipart request`);
    } else if (typeof doc === 'string' && doc !== '') {
      if (/^https?:\/\//i.test(doc)) {
        throw bad('wrong file identifier/HTTP URL specified (BotApiServer does not fetch URLs)');
      }
      file = this.files.get(doc);
      if (!file) throw bad('wrong file identifier/HTTP URL specified');
    } else {
      throw bad('there is no document in the request');
    }
    const formatted = formatText(p, 'caption', 'parse_mode', 'caption_entities');
    if (formatted.text.length > LIMITS.caption) throw bad('message caption is too long');
    const reply_markup = validateReplyMarkup(p.reply_markup, false);
    const reply_to_message_id = this.replyTarget(chatId, p);
    const msg = this.storeMessage(chatId, {
      fromBot: true, from: null, ...formatted, caption: true, document: file,
      reply_markup: emptyToUndefined(reply_markup), reply_to_message_id,
    });
    this.notify();
    return this.messageJson(msg);
  }

  private sendChatAction(p: Params): true {
    this.chatFor(p);
    const action = optStr(p, 'action');
    if (!action || !CHAT_ACTIONS.has(action)) throw bad('wrong parameter action in request');
    return true;
  }

  private answerCallbackQuery(p: Params): true {
    const id = optStr(p, 'callback_query_id');
    if (!id) throw bad('query_id is empty');
    const query = this.callbackQueries.get(id);
    if (!query || query.answered) {
      throw bad('query is too old and response timeout expired or query ID is invalid');
    }
    const text = optStr(p, 'text');
    if (text !== undefined && text.length > LIMITS.callbackAnswerText) throw bad('MESSAGE_TOO_LONG');
    query.answered = true;
    query.answer = p;
    return true;
  }

  private editTarget(p: Params): StoredMessage {
    if (p.inline_message_id !== undefined) throw bad('inline messages are not supported by BotApiServer');
    const chatId = this.chatFor(p);
    const messageId = optInt(p, 'message_id');
    if (messageId === undefined) throw bad('message identifier is not specified');
    const msg = this.messages.get(chatId)?.find((m) => m.message_id === messageId);
    if (!msg) throw bad('message to edit not found');
    if (!msg.fromBot) throw bad('message can\'t be edited');
    return msg;
  }

  private editMessageText(p: Params): unknown {
    const msg = this.editTarget(p);
    if (msg.document) throw bad('there is no text in the message to edit');
    const formatted = formatText(p, 'text', 'parse_mode', 'entities');
    if (formatted.text.trim() === '') throw bad('message text is empty');
    if (formatted.text.length > LIMITS.messageText) throw bad('message is too long');
    // Like Telegram: an edit without reply_markup removes the inline keyboard.
    const reply_markup = emptyToUndefined(validateReplyMarkup(p.reply_markup, true));
    if (msg.text === formatted.text && sameJson(msg.entities ?? [], formatted.entities ?? [])
      && sameJson(msg.reply_markup, reply_markup)) {
      throw bad(NOT_MODIFIED.replace(/^Bad Request: /, ''));
    }
    Object.assign(msg, { html: undefined, parse_mode: undefined, entities: undefined }, formatted, { reply_markup });
    this.markEdited(msg);
    return this.messageJson(msg);
  }

  private editMessageReplyMarkup(p: Params): unknown {
    const msg = this.editTarget(p);
    const reply_markup = emptyToUndefined(validateReplyMarkup(p.reply_markup, true));
    if (sameJson(msg.reply_markup, reply_markup)) throw bad(NOT_MODIFIED.replace(/^Bad Request: /, ''));
    msg.reply_markup = reply_markup;
    this.markEdited(msg);
    return this.messageJson(msg);
  }

  private deleteMessage(p: Params): true {
    const chatId = this.chatFor(p);
    const messageId = optInt(p, 'message_id');
    if (messageId === undefined) throw bad('message identifier is not specified');
    const list = this.messages.get(chatId) ?? [];
    const index = list.findIndex((m) => m.message_id === messageId);
    if (index < 0) throw bad('message to delete not found');
    list.splice(index, 1);
    this.changed(chatId);
    this.notify();
    return true;
  }

  private markEdited(msg: StoredMessage): void {
    msg.edit_date = Math.floor(Date.now() / 1000);
    msg.edits++;
    this.changed(msg.chat_id);
    this.notify();
  }

  private getFile(p: Params): unknown {
    const id = optStr(p, 'file_id');
    if (!id) throw bad('file_id is empty');
    const file = this.files.get(id);
    if (!file) throw bad('invalid file_id');
    if (file.bytes.length > LIMITS.downloadBytes) throw bad('file is too big');
    if (!file.file_path) {
      const ext = extOf(file.file_name);
      file.file_path = `documents/file_${++this.fileCounter}${ext ? `.${ext}` : ''}`;
      this.filePaths.set(file.file_path, file);
    }
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
  }

  // ───────────── storage helpers ─────────────

  private registerChat(user: TestUser): void {
    if (!Number.isSafeInteger(user.id) || user.id <= 0) throw new Error(`a user id must be a positive integer, got ${user.id}`);
    this.chats.set(user.id, { id: user.id, user });
  }

  private chatFor(p: Params): number {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === '') throw bad('chat_id is empty');
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!this.chats.has(id)) throw bad('chat not found');
    if (this.blocked.has(id)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    return id;
  }

  private replyTarget(chatId: number, p: Params): number | undefined {
    const params = optJson(p, 'reply_parameters', 'reply parameters') as Record<string, unknown> | undefined;
    const id = params?.message_id ?? p.reply_to_message_id;
    if (id === undefined) return undefined;
    const messageId = Number(id);
    const exists = this.messages.get(chatId)?.some((m) => m.message_id === messageId) ?? false;
    const allow = params?.allow_sending_without_reply === true || optBool(p, 'allow_sending_without_reply');
    if (!exists && !allow) throw bad('message to be replied not found');
    return exists ? messageId : undefined;
  }

  private storeFile(fileName: string, bytes: Buffer, mimeType?: string): StoredFile {
    const file: StoredFile = {
      file_id: `BQACAgIAAxkBAAI${randomBytes(24).toString('base64url')}`,
      file_unique_id: `AgAD${randomBytes(8).toString('base64url')}`,
      file_name: fileName,
      mime_type: mimeType ?? MIME_BY_EXT[extOf(fileName)] ?? 'application/octet-stream',
      bytes: Buffer.from(bytes),
    };
    this.files.set(file.file_id, file);
    return file;
  }

  private storeMessage(chatId: number, fields: Omit<StoredMessage, 'message_id' | 'chat_id' | 'date' | 'edits'>): StoredMessage {
    this.changed(chatId);
    const messageId = (this.nextMessageId.get(chatId) ?? 0) + 1;
    this.nextMessageId.set(chatId, messageId);
    const msg: StoredMessage = { ...fields, message_id: messageId, chat_id: chatId, date: Math.floor(Date.now() / 1000), edits: 0 };
    const list = this.messages.get(chatId) ?? [];
    list.push(msg);
    this.messages.set(chatId, list);
    return msg;
  }

  private snapshot(m: StoredMessage): SentMessage {
    const s: SentMessage = { message_id: m.message_id, chat_id: m.chat_id, text: m.text, date: m.date, edits: m.edits };
    if (m.html !== undefined) s.html = m.html;
    if (m.parse_mode !== undefined) s.parse_mode = m.parse_mode;
    if (m.entities?.length) s.entities = structuredClone(m.entities);
    if (m.reply_markup) s.reply_markup = structuredClone(m.reply_markup);
    if (m.document) {
      s.document = {
        file_id: m.document.file_id, file_name: m.document.file_name, mime_type: m.document.mime_type,
        bytes: Buffer.from(m.document.bytes),
      };
    }
    if (m.reply_to_message_id !== undefined) s.reply_to_message_id = m.reply_to_message_id;
    if (m.edit_date !== undefined) s.edit_date = m.edit_date;
    return s;
  }

  /** The Telegram `Message` object. */
  private messageJson(m: StoredMessage): Record<string, unknown> {
    const chatUser = this.chats.get(m.chat_id)?.user ?? { id: m.chat_id };
    const json: Record<string, unknown> = {
      message_id: m.message_id,
      from: m.fromBot ? this.botUser : userJson(m.from ?? chatUser),
      chat: {
        id: m.chat_id, type: 'private', first_name: chatUser.first_name ?? 'Test',
        ...(chatUser.last_name ? { last_name: chatUser.last_name } : {}),
        ...(chatUser.username ? { username: chatUser.username } : {}),
      },
      date: m.date,
    };
    if (m.edit_date !== undefined) json.edit_date = m.edit_date;
    if (m.reply_to_message_id !== undefined) {
      const target = this.messages.get(m.chat_id)?.find((x) => x.message_id === m.reply_to_message_id);
      if (target) json.reply_to_message = this.messageJson({ ...target, reply_to_message_id: undefined });
    }
    if (m.document) {
      json.document = {
        file_name: m.document.file_name, mime_type: m.document.mime_type, file_id: m.document.file_id,
        file_unique_id: m.document.file_unique_id, file_size: m.document.bytes.length,
      };
      if (m.text !== '') json.caption = m.text;
      if (m.entities?.length) json.caption_entities = m.entities;
    } else {
      json.text = m.text;
      if (m.entities?.length) json.entities = m.entities;
    }
    if (m.reply_markup) json.reply_markup = m.reply_markup;
    return json;
  }
}

// ───────────────────────────── free helpers ─────────────────────────────

function userJson(u: TestUser): Record<string, unknown> {
  return {
    id: u.id, is_bot: false, first_name: u.first_name ?? 'Test',
    ...(u.last_name ? { last_name: u.last_name } : {}),
    ...(u.username ? { username: u.username } : {}),
    ...(u.language_code ? { language_code: u.language_code } : {}),
  };
}

/** bot_command entities as Telegram sets them: a /command at the start or after whitespace. */
function commandEntities(text: string): MessageEntity[] | undefined {
  const entities: MessageEntity[] = [];
  const re = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?=$|[\s.,!?;:)\]}'"])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    entities.push({ type: 'bot_command', offset: m.index + m[1]!.length, length: m[2]!.length });
  }
  return entities.length ? entities : undefined;
}

function chatOf(body: unknown): number | undefined {
  const raw = (body as Params | undefined)?.chat_id;
  return raw === undefined ? undefined : Number(raw);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function emptyToUndefined(markup: ReplyMarkup | undefined): ReplyMarkup | undefined {
  if (markup?.inline_keyboard && markup.inline_keyboard.every((row) => row.length === 0)) return undefined;
  return markup;
}

function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad(`field "${name}" must be of type String`);
}

function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const num = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(num)) throw bad(`field "${name}" must be of type Integer`);
  return num;
}

function optBool(p: Params, name: string): boolean {
  const v = p[name];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** Object/array fields arrive as JSON values (JSON body) or as JSON strings (multipart/urlencoded). */
function optJson(p: Params, name: string, what: string): unknown {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw bad(`can't parse ${what} JSON object`);
  }
}

/** Applies parse_mode (or explicit entities) to a text/caption field. */
function formatText(p: Params, field: string, modeField: string, entitiesField: string):
  { text: string; html?: string; parse_mode?: string; entities?: MessageEntity[] } {
  const raw = optStr(p, field) ?? '';
  const mode = optStr(p, modeField);
  if (mode === undefined || mode === '') {
    const explicit = optJson(p, entitiesField, entitiesField);
    if (explicit !== undefined && !Array.isArray(explicit)) throw bad(`can't parse ${entitiesField}: an Array expected`);
    return { text: raw, ...(Array.isArray(explicit) && explicit.length ? { entities: explicit as MessageEntity[] } : {}) };
  }
  const lower = mode.toLowerCase();
  if (lower === 'html') {
    try {
      const parsed = parseTelegramHtml(raw);
      return { text: parsed.text, html: raw, parse_mode: mode, ...(parsed.entities.length ? { entities: parsed.entities } : {}) };
    } catch (err) {
      if (err instanceof EntityParseError) throw bad(`can't parse entities: ${err.message}`);
      throw err;
    }
  }
  if (lower === 'markdown' || lower === 'markdownv2') {
    throw bad(`can't parse entities: BotApiServer implements only parse_mode HTML, not ${mode}`);
  }
  throw bad('unsupported parse_mode');
}

function validateReplyMarkup(raw: unknown, inlineOnly: boolean): ReplyMarkup | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let markup: unknown = raw;
  if (typeof raw === 'string') {
    try {
      markup = JSON.parse(raw);
    } catch {
      throw bad('can\'t parse reply keyboard markup JSON object');
    }
  }
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
    throw bad('can\'t parse reply keyboard markup JSON object');
  }
  const obj = markup as Record<string, unknown>;
  if (!('inline_keyboard' in obj)) {
    if (inlineOnly) throw bad('can\'t parse inline keyboard markup: field "inline_keyboard" is required');
    if ('keyboard' in obj || 'remove_keyboard' in obj || 'force_reply' in obj) return obj as ReplyMarkup;
    throw bad('can\'t parse reply keyboard markup JSON object');
  }
  const rows = obj.inline_keyboard;
  if (!Array.isArray(rows)) throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
  for (const row of rows) {
    if (!Array.isArray(row)) throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    for (const button of row) {
      if (typeof button !== 'object' || button === null) throw bad('can\'t parse inline keyboard button: object expected');
      const b = button as Record<string, unknown>;
      if (typeof b.text !== 'string') throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
      if (b.text.trim() === '') throw bad('BUTTON_TEXT_INVALID');
      const actions = BUTTON_ACTIONS.filter((k) => b[k] !== undefined && b[k] !== null);
      if (actions.length === 0) throw bad('text buttons are unallowed in the inline keyboard');
      if (actions.length > 1) {
        throw bad(`can't parse inline keyboard button: exactly one of the optional fields must be used, got ${actions.join(', ')}`);
      }
      if (b.callback_data !== undefined) {
        const data = b.callback_data;
        if (typeof data !== 'string') throw bad('can\'t parse inline keyboard button: Field "callback_data" must be of type String');
        const bytes = Buffer.byteLength(data, 'utf8');
        if (bytes < 1 || bytes > LIMITS.callbackData) throw bad('BUTTON_DATA_INVALID');
      }
      if (b.url !== undefined) {
        if (typeof b.url !== 'string' || !/^(https?|tg|ton):\/\/\S+$/i.test(b.url)) throw bad('BUTTON_URL_INVALID');
      }
    }
  }
  return obj as ReplyMarkup;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) tooLarge = true;
    if (!tooLarge) chunks.push(buf);
  }
  return tooLarge ? 'too-large' : Buffer.concat(chunks);
}

function parseParams(req: IncomingMessage, url: URL, body: Buffer, ctx: RequestContext): Params {
  const params: Params = Object.fromEntries(url.searchParams.entries());
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return params;
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw bad('can\'t parse JSON encoded request body');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('JSON object expected as request body');
    return { ...params, ...(parsed as Params) };
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) throw bad('can\'t parse multipart/form-data: no boundary');
    const { fields, files } = parseMultipart(body, b);
    for (const [k, v] of files) ctx.files.set(k, v);
    return { ...params, ...fields };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString('utf8')).entries()) };
  }
  throw bad(`unsupported Content-Type ${type || '(none)'}`);
}

function describeParams(params: Params, ctx: RequestContext): Params {
  if (ctx.files.size === 0) return params;
  const out: Params = { ...params };
  for (const [name, f] of ctx.files) out[`file:${name}`] = { file_name: f.file_name, size: f.bytes.length };
  return out;
}
