/**
 * The platforms' rate limits as a double enforces them, independently of the bot's own `Pacer`:
 * a strict sliding window for the overall limits (no one-second window may hold more than the
 * limit, which is how the limits are documented), and a per-chat budget for Telegram.
 */

/** At most `limit` hits in any window of `windowMs`. Refused hits are not counted. */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;
  /** The most hits seen in one window (accepted ones), to show how close a sender came to the limit. */
  peak = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {}

  /** Counts a hit at `now` (ms) and returns true, or returns false when it would pass the limit. */
  tryHit(now: number): boolean {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - this.windowMs) this.head += 1;
    if (this.head > 4096) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    const inWindow = this.times.length - this.head;
    if (inWindow >= this.limit) return false;
    this.times.push(now);
    this.peak = Math.max(this.peak, inWindow + 1);
    return true;
  }
}

/**
 * Per-key budgets of `perSecond` with bursts of `burst` (a token bucket, as GCRA): Telegram's
 * "about one message per second to one chat", which tolerates a short burst of a few messages.
 */
export class PerKeyBudget {
  private readonly nextAt = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  tryHit(key: string, now: number): boolean {
    const interval = 1000 / this.perSecond;
    const at = this.nextAt.get(key) ?? 0;
    if (now < at - (this.burst - 1) * interval) return false;
    this.nextAt.set(key, Math.max(at, now) + interval);
    return true;
  }
}
