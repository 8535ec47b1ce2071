import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ChatEngine } from '../chat/engine.js';
import { NO_SUCH_CHOICE } from '../chat/texts.js';
import type { Button, ChatInput, Reply } from '../chat/types.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

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
): Promise<void> {
  const rl = readline.createInterface({ input, output, terminal: (input as NodeJS.ReadStream).isTTY === true });
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
  show(await engine.handle('terminal', { kind: 'text', text: '/start' }));
  rl.setPrompt('问题> ');
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit' || line === '退出') break;
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
    show(await engine.handle('terminal', msg));
    rl.prompt();
  }
  rl.close();
}
