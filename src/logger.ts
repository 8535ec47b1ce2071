import pino from 'pino';

/**
 * Technical log (causes, timings) on stderr as JSON lines; stdout is left to
 * what the user reads. Secrets are redacted wherever they appear as fields.
 */
export function createLogger(level: string) {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'config.telegramToken'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
export type Logger = ReturnType<typeof createLogger>;
