/**
 * Named points where the crash-safety test kills the ingest process with
 * SIGKILL (the same as `kill -9`): setting JUNHENG_CRASH_AT=<name> makes the
 * process kill itself there, so the test hits each phase deterministically.
 */
export type CrashPoint = 'after-lock' | 'while-loading' | 'mid-embedding' | 'before-switch' | 'during-switch';

export function crashPoint(name: CrashPoint): void {
  if (process.env.JUNHENG_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
