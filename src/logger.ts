import pino from 'pino';

/** Replaces every occurrence of the secrets in strings, errors and objects (deeply). */
export function scrub(value: unknown, secrets: readonly string[], seen = new WeakSet<object>()): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return secrets.reduce((s, secret) => s.split(secret).join('[redacted]'), value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: scrub(value.message, secrets, seen), stack: scrub(value.stack, secrets, seen) };
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, secrets, seen);
    if (value.cause !== undefined) out['cause'] = scrub(value.cause, secrets, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, seen));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets, seen)]));
}

/**
 * Technical log (causes, timings) as JSON lines on stderr, or on `stream`;
 * stdout is left to what the user reads. Secrets (the bot token) are scrubbed
 * from every message, object and error before they are written: grammY's
 * network errors can carry request URLs, and those contain the token.
 */
export function createLogger(level: string, secrets: readonly string[] = [], stream: pino.DestinationStream = pino.destination(2)) {
  const live = secrets.filter((s) => s.length >= 8);
  return pino(
    {
      level,
      base: undefined,
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a, live)) as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}
export type Logger = ReturnType<typeof createLogger>;
