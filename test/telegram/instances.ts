import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { BotApiServer, SentMessage, TestUser } from './botApiServer.js';
import { startBotProcess, type BotProcess } from './botProcess.js';

/**
 * Several instances of the bot (`npm start`'s entry, each its own process,
 * its own index folder) in webhook mode on one PostgreSQL, and the test's
 * stand-in for Telegram's webhook delivery behind a load balancer: each
 * update is POSTed to the instance the test names; an instance that does not
 * answer (killed) gets the update retried on the next one, as Telegram retries
 * and a balancer fails over.
 */
export const WEBHOOK_URL = 'https://bot.example.org/telegram';
export const WEBHOOK_SECRET = 'junheng-test-secret';

export interface Instance {
  name: string;
  port: number;
  process: BotProcess;
  alive: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

export async function startInstance(server: BotApiServer, name: string, work: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const child = startBotProcess(server, {
    CORPUS_DIR: path.join(dir, 'corpus'),
    INDEX_DIR: path.join(dir, 'index'),
    STATE_DB: path.join(dir, 'state.db'),
    REPORT_DIR: path.join(dir, 'reports'),
    WEBHOOK_URL,
    WEBHOOK_PORT: String(port),
    WEBHOOK_SECRET,
    LOG_LEVEL: 'warn',
    ...env,
  }, dir);
  await child.ready;
  return { name, port, process: child, alive: true };
}

type Update = Record<string, unknown> & { update_id: number };

/** Where each update went and which instance finally took it. */
export interface Delivery {
  update: Update;
  tried: string[];
  /** Resolves when an instance answered 200. */
  answered: Promise<void>;
}

export class LoadBalancer {
  /** The instance the next update goes to first (the test sets it before each user action). */
  target = 0;
  readonly deliveries: Delivery[] = [];
  private readonly waiters = new Set<(d: Delivery) => void>();

  constructor(server: BotApiServer, readonly instances: Instance[]) {
    server.pushUpdates((update) => {
      const d: Delivery = { update, tried: [], answered: Promise.resolve() };
      d.answered = this.deliver(d, this.target);
      this.deliveries.push(d);
      for (const w of this.waiters) w(d);
    });
  }

  /** Sends the next update (made by `act`) to instance `i` first; resolves with its delivery. */
  send(i: number, act: () => void): Delivery {
    this.target = i;
    act();
    return this.deliveries[this.deliveries.length - 1]!;
  }

  private async deliver(d: Delivery, first: number): Promise<void> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const inst = this.instances[(first + attempt) % this.instances.length]!;
      d.tried.push(inst.name);
      try {
        const res = await fetch(`http://127.0.0.1:${inst.port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
          body: JSON.stringify(d.update),
        });
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        // Connection refused or reset: that instance is down; Telegram retries, the balancer picks another.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`update ${d.update.update_id} could not be delivered to any instance`);
  }
}

export const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

/** The bot's last message to the user carrying a button with this label, and that button's data. */
export function button(server: BotApiServer, u: TestUser, label: string): { message: SentMessage; data: string } {
  const message = [...server.messagesTo(u.id)].reverse().find((m) => buttonsOf(m).some((b) => b.text === label));
  if (!message) throw new Error(`no message to ${u.id} with a 「${label}」 button`);
  return { message, data: buttonsOf(message).find((b) => b.text === label)!.callback_data as string };
}
