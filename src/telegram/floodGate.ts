/**
 * Per-user flood control over a sliding window. A user may have `limit`
 * updates handled in any `windowMs`; the rest are dropped, and the first drop
 * of a flood asks for one notice.
 *
 * Why not @grammyjs/ratelimiter: its memory store clears every counter on one
 * global timer, so a flood that straddles the timer's tick gets twice the
 * limit through, and when that happens depends on the clock, not the user.
 */
export type FloodVerdict = 'pass' | 'notice' | 'drop';

interface UserWindow {
  /** When the handled updates of the current window arrived, oldest first. */
  handled: number[];
  noticedAt: number | undefined;
}

export class FloodGate {
  private readonly users = new Map<string, UserWindow>();
  private lastSweep: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  admit(key: string): FloodVerdict {
    const t = this.now();
    this.sweep(t);
    let w = this.users.get(key);
    if (!w) {
      w = { handled: [], noticedAt: undefined };
      this.users.set(key, w);
    }
    while (w.handled.length > 0 && t - w.handled[0]! >= this.windowMs) w.handled.shift();
    if (w.handled.length < this.limit) {
      w.handled.push(t);
      return 'pass';
    }
    if (w.noticedAt !== undefined && t - w.noticedAt < this.windowMs) return 'drop';
    w.noticedAt = t;
    return 'notice';
  }

  /** Users currently tracked; quiet users are forgotten after a window. */
  get tracked(): number {
    return this.users.size;
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < this.windowMs) return;
    this.lastSweep = t;
    for (const [key, w] of this.users) {
      const last = w.handled[w.handled.length - 1];
      const quiet = last === undefined || t - last >= this.windowMs;
      const noticeOver = w.noticedAt === undefined || t - w.noticedAt >= this.windowMs;
      if (quiet && noticeOver) this.users.delete(key);
    }
  }
}
