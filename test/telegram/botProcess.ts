import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BotApiServer } from './botApiServer.js';

const root = path.resolve(import.meta.dirname, '../..');
/** tsx's loader by absolute URL: the child may run in a folder without node_modules. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `npm start`'s entry in its own process, as a deployment runs it, pointed at a loopback Bot API server. */
export interface BotProcess {
  child: ChildProcess;
  /** Resolves once the bot polls for updates (or, in webhook mode, says it started); rejects if it exits first. */
  ready: Promise<void>;
  /** Everything it wrote to stdout and stderr. */
  output: () => string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** What `npm start` prints once the bot is up. */
const STARTED = 'Telegram 机器人已启动';

export function startBotProcess(server: BotApiServer, env: Record<string, string>, cwd: string): BotProcess {
  const child = spawn(process.execPath, ['--import', TSX, path.join(root, 'src/cli/start.ts')], {
    cwd,
    env: { ...process.env, TELEGRAM_BOT_TOKEN: server.token, TELEGRAM_API_ROOT: server.apiRoot, CHECKLIST_DIR: path.join(root, 'corpus/checklists'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pollsBefore = server.calls.filter((c) => c.method === 'getUpdates').length;
  const ready = Promise.race([
    (async () => {
      const started = () => (env.WEBHOOK_URL ? out.includes(STARTED) : server.calls.filter((c) => c.method === 'getUpdates').length > pollsBefore);
      while (!started()) await new Promise((r) => setTimeout(r, 50));
    })(),
    exited.then((code) => {
      throw new Error(`the bot exited (${code}) before polling:\n${out}`);
    }),
  ]);
  ready.catch(() => undefined);
  return {
    child,
    ready,
    output: () => out,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
