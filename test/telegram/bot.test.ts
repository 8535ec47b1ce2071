import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import { loadConfig } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { createLogger } from '../../src/logger.js';
import { FLOOD_LIMIT, TEXT } from '../../src/telegram/bot.js';
import { startTelegram, type RunningBot } from '../../src/telegram/start.js';
import { fixturePath } from '../helpers/shared.js';
import { repoRoot, SEEDS, seedsDir, tempDir } from '../ingest/pipelineFixture.js';
import { BotApiServer, type SentMessage } from './botApiServer.js';

const TOKEN = '424242:TEST-token-never-in-logs_0123456789';
const ADMIN = { id: 1001, first_name: '管理员' };
const PRINCIPAL = { id: 2002, first_name: '校长' };
const CLERK = { id: 3003, first_name: '督导室' };
const FLOODER = { id: 4004, first_name: '刷屏' };
const OTHER = { id: 5005, first_name: '教务处' };
const TEACHER = { id: 6006, first_name: '老师' };
const RETURNER = { id: 7007, first_name: '回来的校长' };

const work = tempDir('telegram');
const corpusDir = path.join(work, 'corpus');
const logLines: string[] = [];
let server: BotApiServer;
let app: App;
let bot: RunningBot;

beforeAll(async () => {
  fs.mkdirSync(corpusDir, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'corpus/国家督导评估标准整理稿.md'), path.join(corpusDir, '国家督导评估标准整理稿.md'));
  for (const s of SEEDS) fs.copyFileSync(path.join(seedsDir, s), path.join(corpusDir, s));
  server = await BotApiServer.start({ token: TOKEN, botUsername: 'junheng_test_bot' });
  const config = loadConfig(
    {
      CORPUS_DIR: corpusDir,
      INDEX_DIR: path.join(work, 'index'),
      CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'),
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      ADMIN_USER_IDS: String(ADMIN.id),
      LOG_LEVEL: 'debug',
    },
    work,
  );
  const embedder = new LocalHashEmbeddings();
  await runIngest({ dirs: [corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes });
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('debug', [TOKEN], sink);
  app = createApp(config, embedder);
  bot = await startTelegram(config, app, embedder, log);
});

afterAll(async () => {
  await bot?.stop();
  app?.close();
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const texts = (ms: SentMessage[]) => ms.map((m) => m.text).join('\n');
const last = (chatId: number) => server.messagesTo(chatId).at(-1)!;
const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

/** Sends a text and waits until the bot has sent `count` more messages to that chat. */
async function ask(user: { id: number }, text: string, count = 1): Promise<SentMessage[]> {
  const before = server.messagesTo(user.id).length;
  server.sendText(user, text);
  const all = await server.waitForMessages(user.id, (ms) => ms.length >= before + count);
  return all.slice(before);
}

async function press(user: { id: number }, message: SentMessage, label: string, count = 1): Promise<SentMessage[]> {
  const button = buttonsOf(message).find((b) => b.text === label);
  if (!button || !('callback_data' in button)) throw new Error(`no button ${label} on: ${message.text}`);
  const before = server.messagesTo(user.id).length;
  server.pressButton(user, message, button.callback_data as string);
  const all = await server.waitForMessages(user.id, (ms) => ms.length >= before + count);
  return all.slice(before);
}

describe('the Telegram bot (real grammY bot against a loopback Bot API server)', () => {
  it('registers its commands in Chinese and greets on /start with tappable example questions', async () => {
    const set = server.calls.find((c) => c.method === 'setMyCommands')!;
    const commands = (set.body as { commands: { command: string; description: string }[] }).commands;
    expect(commands.map((c) => c.command)).toEqual(['start', 'help', 'learn', 'checklist', 'report', 'sources', 'reset']);
    for (const c of commands) expect(c.description).toMatch(/[\u4e00-\u9fff]/u);
    const [welcome] = await ask(PRINCIPAL, '/start');
    expect(welcome!.text).toContain('您好');
    expect(buttonsOf(welcome!).map((b) => b.text)).toContain('了解评估（新手入门）');
  });

  it('answers a question with citations in HTML, a 查看原文 button, and the typing action', async () => {
    const [answer] = await ask(PRINCIPAL, '初中生均体育运动场馆面积要达到多少？');
    expect(answer!.parse_mode).toBe('HTML');
    // A standard the checklist data holds is answered from it, each fact with its rule; the passage found follows as 相关原文.
    expect(answer!.html).toContain('<b>按国家督导评估标准（每条注明出处）：</b>');
    expect(answer!.text).toMatch(/初中不少于 10\.2 平方米\/生[\s\S]*依据：《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）第六条第（五）项[\s\S]*相关原文：\n“[^\n]*10\.2平方米[\s\S]*出处：\n\[1\] 《县域义务教育均衡发展国家督导评估标准整理稿/u);
    expect(server.calls.some((c) => c.method === 'sendChatAction' && (c.body as { action: string }).action === 'typing')).toBe(true);
    const [original] = await press(PRINCIPAL, answer!, '查看原文 [1]');
    expect(original!.text).toContain('10.2平方米');
    expect(original!.text.length).toBeGreaterThan(answer!.text.split('\n')[1]!.length);
  });

  it('runs a whole school checklist on buttons and typed numbers and sends the report as a document', async () => {
    const [modes] = await ask(CLERK, '/checklist');
    const [stages] = await press(CLERK, modes!, '学校自查');
    const [first] = await press(CLERK, stages!, '初中');
    expect(first!.text).toContain('（1/8）');
    const figures = ['1680', '101', '22', '17', '10920', '15120平方米', '470.4万元', '42间'];
    let replies: SentMessage[] = [];
    for (const f of figures) replies = await ask(CLERK, f, f === '1680' ? 1 : 2);
    // 青禾县实验中学: only 场馆 fails (88 %) → the rule is met.
    await server.waitForMessages(CLERK.id, (ms) => ms.some((m) => m.text.includes('【自查报告】')));
    const report = server.messagesTo(CLERK.id).find((m) => m.text.includes('【自查报告】'))!;
    expect(report.text).toContain('结论：达到要求：7 项中 6 项达标');
    // Title and verdict in bold, from the report's structure.
    expect(report.html).toMatch(/^<b>【自查报告】[^<]+<\/b>\n\n/u);
    expect(report.html).toContain('<b>结论：达到要求：7 项中 6 项达标');
    const [, doc] = await press(CLERK, report, '生成报告文件（Excel）', 2);
    expect(doc!.document!.file_name).toMatch(/\.xlsx$/u);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(doc!.document!.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
    expect(JSON.stringify(wb.worksheets[0]!.getSheetValues())).toContain('生均体育运动场馆面积');
    expect(replies.length).toBeGreaterThan(0);
  });

  it('offers an unfinished checklist on /start with 继续上次 / 重新开始 buttons; 继续上次 asks the same question', async () => {
    const [modes] = await ask(RETURNER, '/checklist');
    const [stages] = await press(RETURNER, modes!, '学校自查');
    await press(RETURNER, stages!, '小学');
    await ask(RETURNER, '2360');
    const [welcome, offer] = await ask(RETURNER, '/start', 2);
    expect(welcome!.text).toContain('您好');
    expect(offer!.text).toContain('您有一份未完成的自查（第 2/8 项）');
    expect(buttonsOf(offer!).map((b) => b.text)).toEqual(['继续上次（第 2/8 项）', '重新开始']);
    const [again] = await press(RETURNER, offer!, '继续上次（第 2/8 项）');
    expect(again!.text).toContain('（2/8）');
  });

  it('splits an answer over 4096 characters into several messages, each valid HTML', async () => {
    // A county table with many schools makes a long report.
    const rows = fs.readFileSync(fixturePath('schools-county.csv'), 'utf8').trim().split('\n');
    const body = rows.slice(1);
    const many = [rows[0], ...Array.from({ length: 8 }, (_, k) => body.map((r) => r.replace(/^([^,]+)/u, `$1${k + 1}`))).flat()].join('\n');
    const [modes] = await ask(OTHER, '/checklist');
    await press(OTHER, modes!, '县域评估');
    const before = server.messagesTo(OTHER.id).length;
    server.sendDocument(OTHER, '全县学校.csv', Buffer.from(many, 'utf8'));
    const all = await server.waitForMessages(OTHER.id, (ms) => ms.slice(before).some((m) => m.text.includes('县域结论')));
    const parts = all.slice(before);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.text).join('\n').length).toBeGreaterThan(4096);
    for (const p of parts) {
      expect(p.parse_mode).toBe('HTML');
      expect(p.text.length).toBeLessThanOrEqual(4096);
    }
    expect(texts(parts)).toContain('差异系数');
  });

  it('refuses a document from a non-admin, politely, and leaves the corpus alone', async () => {
    const before = fs.readdirSync(corpusDir).length;
    server.sendDocument(PRINCIPAL, '新文件.pdf', fs.readFileSync(fixturePath('standards-table.pdf')));
    const all = await server.waitForMessages(PRINCIPAL.id, (ms) => ms.some((m) => m.text === TEXT.adminOnly));
    expect(all.at(-1)!.text).toBe(TEXT.adminOnly);
    expect(fs.readdirSync(corpusDir).length).toBe(before);
  });

  it('re-indexes an admin upload in the background while another user’s question is answered', async () => {
    const doc = '# 青禾县课后服务实施细则\n\n## 一、服务时间\n\n青禾县各义务教育学校课后服务每天不少于2小时，结束时间原则上不早于当地正常下班时间。\n';
    server.sendDocument(ADMIN, '青禾县课后服务实施细则.md', Buffer.from(doc, 'utf8'));
    const [answer] = await ask(TEACHER, '小学生均教学仪器设备值要达到多少？');
    expect(answer!.text).toContain('小学不少于 2000 元/生');
    const adminMsgs = await server.waitForMessages(ADMIN.id, (ms) => ms.some((m) => m.text.startsWith('索引完成')), 30_000);
    expect(texts(adminMsgs)).toContain('已收到《青禾县课后服务实施细则.md》');
    expect(texts(adminMsgs)).toMatch(/索引完成：新收录 1 个文件/u);
    expect(fs.existsSync(path.join(corpusDir, '青禾县课后服务实施细则.md'))).toBe(true);
    const [after] = await ask(TEACHER, '青禾县课后服务每天不少于多长时间？');
    expect(after!.text).toContain('不少于2小时');
  });

  it('never overwrites a document: a same-name upload keeps the old version, identical bytes change nothing, names are sanitised', async () => {
    const name = '青禾县课后服务实施细则.md';
    const updated = '# 青禾县课后服务实施细则\n\n## 一、服务时间\n\n青禾县各义务教育学校课后服务每天不少于2.5小时。\n';
    const doneBefore = server.messagesTo(ADMIN.id).filter((m) => m.text.startsWith('索引完成')).length;
    server.sendDocument(ADMIN, name, Buffer.from(updated, 'utf8'));
    const replaced = await server.waitForMessages(ADMIN.id, (ms) => ms.filter((m) => m.text.startsWith('索引完成')).length > doneBefore, 30_000);
    expect(texts(replaced)).toContain(`已替换《${name}》（旧版本已保留：`);
    const history = fs.readdirSync(path.join(corpusDir, '.history'));
    expect(history).toHaveLength(1);
    expect(fs.readFileSync(path.join(corpusDir, '.history', history[0]!), 'utf8')).toContain('不少于2小时');
    expect(fs.readFileSync(path.join(corpusDir, name), 'utf8')).toContain('不少于2.5小时');

    const before = server.messagesTo(ADMIN.id).length;
    server.sendDocument(ADMIN, name, Buffer.from(updated, 'utf8'));
    const same = await server.waitForMessages(ADMIN.id, (ms) => ms.length > before);
    expect(same.at(-1)!.text).toContain('完全相同，没有改动');
    await new Promise((r) => setTimeout(r, 500));
    expect(server.messagesTo(ADMIN.id)).toHaveLength(before + 1); // no re-index started

    const n = server.messagesTo(ADMIN.id).length;
    server.sendDocument(ADMIN, '../../etc/x.md', Buffer.from('# 测试\n\n## 一\n\n一段文字。\n', 'utf8'));
    const saved = await server.waitForMessages(ADMIN.id, (ms) => ms.length > n);
    expect(saved[n]!.text).toContain('《x.md》');
    expect(saved[n]!.text).not.toContain('../');
    expect(fs.existsSync(path.join(corpusDir, 'x.md'))).toBe(true);
  });

  it('keeps answering a second user promptly while one user floods 100 messages, with one notice', async () => {
    for (let i = 0; i < 100; i++) server.sendText(FLOODER, `第${i}条：县域义务教育均衡发展是什么？`);
    const started = Date.now();
    const [answer] = await ask(PRINCIPAL, '学校的培训经费最少要占公用经费的多少？');
    const took = Date.now() - started;
    expect(answer!.text).toContain('都不少于 5 %');
    expect(took).toBeLessThan(5_000);
    await server.waitForMessages(FLOODER.id, (ms) => ms.some((m) => m.text === TEXT.flood));
    await new Promise((r) => setTimeout(r, 500));
    const flood = server.messagesTo(FLOODER.id);
    expect(flood.filter((m) => m.text === TEXT.flood)).toHaveLength(1);
    // At most FLOOD_LIMIT messages were handled; each answer is one message.
    expect(flood.filter((m) => m.text !== TEXT.flood).length).toBeLessThanOrEqual(FLOOD_LIMIT);
  });

  it('retries after a 429 and after a network error, and the message still arrives', async () => {
    server.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const [a] = await ask(PRINCIPAL, '/help');
    expect(a!.text).toContain('使用说明');
    server.failNext('sendMessage', 1, { networkError: true });
    const [b] = await ask(PRINCIPAL, '/sources');
    expect(b!.text).toMatch(/已收录 \d+ 个文件/u);
  });

  it('never writes the token into a log line', () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(TOKEN);
  });
});
