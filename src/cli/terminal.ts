import readline from 'node:readline';
import type { ChatEngine } from '../chat/engine.js';
import { NO_SUCH_CHOICE } from '../chat/texts.js';
import type { Button, ChatInput, Reply } from '../chat/types.js';

/**
 * The terminal adapter: lines in, replies out. Buttons are shown as numbered
 * choices; typing the number presses the button.
 */
export async function runTerminalChat(engine: ChatEngine, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const rl = readline.createInterface({ input, output, terminal: (input as NodeJS.ReadStream).isTTY === true });
  let choices: Button[] = [];
  const show = (replies: Reply[]) => {
    choices = replies.flatMap((r) => r.buttons?.flat() ?? []);
    for (const r of replies) output.write(`${r.text}\n`);
    if (choices.length > 0) output.write(`${choices.map((b, i) => `〔${i + 1}〕${b.label}`).join('  ')}\n（输入编号即可选择）\n`);
    output.write('\n');
  };
  show(await engine.handle('terminal', { kind: 'text', text: '/start' }));
  rl.setPrompt('问题> ');
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit' || line === '退出') break;
    const n = /^\d{1,2}$/u.test(line) ? Number(line) : NaN;
    const chosen = choices[n - 1];
    if (!Number.isNaN(n) && !chosen) {
      output.write(`${NO_SUCH_CHOICE}\n\n`);
      rl.prompt();
      continue;
    }
    const msg: ChatInput = chosen ? { kind: 'action', action: chosen.action } : { kind: 'text', text: line };
    show(await engine.handle('terminal', msg));
    rl.prompt();
  }
  rl.close();
}
