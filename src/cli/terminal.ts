import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ChatEngine } from '../chat/engine.js';
import { HELP_TERMINAL, NO_SUCH_CHOICE } from '../chat/texts.js';
import type { Button, ChatInput, Reply } from '../chat/types.js';
import { JunhengError } from '../errors.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const FAILED = '抱歉，处理这条消息时出了点问题，请再试一次。';

/**
 * The terminal's one error handler: a failing message (a state file that can
 * no longer be written, a bug) is reported in Chinese and the chat goes on.
 */
async function handleSafely(engine: ChatEngine, msg: ChatInput, onError: (e: unknown) => void): Promise<Reply[]> {
  try {
    return await engine.handle('terminal', msg);
  } catch (e) {
    onError(e);
    return [{ text: e instanceof JunhengError ? e.userMessage : FAILED }];
  }
}

/**
 * The terminal adapter: lines in, replies out. Buttons are shown as lettered
 * choices; typing the letter (or the button's label) presses the button.
 * Letters, not numbers: a typed number is an answer to a checklist question.
 */
export async function runTerminalChat(
  engine: ChatEngine,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  reportDir: string,
  onError: (e: unknown) => void = () => undefined,
): Promise<void> {
  const rl = readline.createInterface({ input, output, terminal: (input as NodeJS.ReadStream).isTTY === true });
  // Taken before anything awaits: lines that arrive while a reply is being made are queued, not dropped.
  const typed = rl[Symbol.asyncIterator]();
  let choices: Button[] = [];
  const show = (replies: Reply[]) => {
    choices = replies.flatMap((r) => r.buttons?.flat() ?? []);
    for (const r of replies) {
      output.write(`${r.text}\n`);
      if (r.document) {
        fs.mkdirSync(reportDir, { recursive: true });
        const file = path.join(reportDir, r.document.fileName);
        fs.writeFileSync(file, r.document.bytes);
        output.write(`已保存：${file}\n`);
      }
    }
    if (choices.length > 0) output.write(`${choices.map((b, i) => `〔${LETTERS[i]}〕${b.label}`).join('  ')}\n（输入字母即可选择）\n`);
    output.write('\n');
  };
  show(await handleSafely(engine, { kind: 'text', text: '/start' }, onError));
  rl.setPrompt('问题> ');
  rl.prompt();
  for (let next = await typed.next(); !next.done; next = await typed.next()) {
    const raw = next.value;
    const line = raw.trim();
    if (line === '/quit' || line === '/exit' || line === '退出') break;
    // An Enter pressed by mistake sends nothing (Telegram cannot send an empty message): the choices shown stay valid.
    if (line === '') {
      rl.prompt();
      continue;
    }
    const letter = /^[a-z]$/iu.test(line) ? LETTERS.indexOf(line.toUpperCase()) : -1;
    const chosen = letter >= 0 ? choices[letter] : choices.find((b) => b.label === line);
    if (letter >= 0 && !chosen) {
      output.write(`${NO_SUCH_CHOICE}\n\n`);
      rl.prompt();
      continue;
    }
    // A path to a spreadsheet is sent as a file, the way Telegram sends an upload.
    const file = !chosen && /\.(csv|xlsx)$/iu.test(line) && fs.existsSync(line) ? line : null;
    const msg: ChatInput = chosen
      ? { kind: 'action', action: chosen.action }
      : file
        ? { kind: 'file', fileName: path.basename(file), bytes: fs.readFileSync(file) }
        : { kind: 'text', text: line };
    const replies = await handleSafely(engine, msg, onError);
    show(line === '/help' ? [...replies, { text: HELP_TERMINAL }] : replies);
    rl.prompt();
  }
  rl.close();
}
