import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';

/**
 * The technical log as parsed pino lines and as raw text. The logger scrubs no secret, so a test
 * sees exactly what the code itself emits.
 */
export function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      raw += chunk.toString();
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('debug', [], sink), lines, raw: () => raw };
}

/** Everything an error could show anyone: its messages, stack, cause and own fields. */
export function everythingOf(e: unknown): string {
  const err = e as Error & { userMessage?: string; cause?: unknown };
  return [err.message, err.userMessage, err.stack, String(err.cause ?? ''), JSON.stringify(err)].join('\n');
}

/** The rejection of a promise; fails the test if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}
