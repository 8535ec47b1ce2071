import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../src/logger.js';

const TOKEN = '123456789:AAH-secret_token_value';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: createLogger('debug', [TOKEN], stream) };
}

describe('logging never shows the bot token', () => {
  it('scrubs messages, nested objects, errors, their causes and stacks', () => {
    const { lines, log } = capture();
    const cause = new Error(`request to https://api.telegram.org/bot${TOKEN}/getUpdates failed`);
    const err = new Error(`network error for bot${TOKEN}`, { cause });
    log.info(`starting with ${TOKEN}`);
    log.error({ err, request: { url: `https://api.telegram.org/bot${TOKEN}/sendMessage`, list: [TOKEN] } }, 'failed');
    log.warn({ nested: { deeper: { token: TOKEN } } });
    expect(lines.length).toBe(3);
    for (const line of lines) expect(line).not.toContain(TOKEN);
    expect(lines.join('')).toContain('[redacted]');
    expect(lines[1]).toContain('getUpdates failed');
  });

  it('leaves text without secrets alone and survives circular objects', () => {
    const a: Record<string, unknown> = { name: '均衡' };
    a['self'] = a;
    expect(scrub(a, [TOKEN])).toEqual({ name: '均衡', self: '[circular]' });
    expect(scrub('nothing secret', [TOKEN])).toBe('nothing secret');
  });
});
