import type { Logger } from '../logging/logger.js';
import type { TurnRunner } from './turn-runner.js';

export type TurnSweeperOptions = {
  logger: Logger;
  /** Between sweeps; default 10 s. */
  intervalMs?: number;
  /**
   * Sweeps look only at conversations updated this recently (an index walk); default 24 h. A message
   * older than that is not answered out of the blue: the beneficiary's next message runs it.
   */
  recentMs?: number;
  /**
   * After the first sweep, messages younger than this are left to the receive that stored them
   * (default 30 s). The first sweep, at start-up, takes every message stored before it: none of
   * them is on its way through this process, and a drain another process is running only makes
   * this one wait for the lock.
   */
  graceMs?: number;
  /**
   * How often a sweep looks over the whole `recentMs` window (default 10 min); the sweeps between
   * look only at conversations updated since the last sweep that completed.
   */
  fullEveryMs?: number;
};

/**
 * How much earlier than the previous sweep's bound the next one looks: a process whose clock is
 * somewhat behind this one's may have written the conversation's `updated_at`.
 */
const CLOCK_SLACK_MS = 60_000;

/**
 * Runs {@link TurnRunner.sweep} when the process starts and then every `intervalMs`, so a message
 * that was stored and acknowledged but whose turn never ran — the process was killed, or Redis went
 * away in between — is answered without waiting for the beneficiary's next message. One sweep at a
 * time; a failed one is logged and the next tries again; stopping ends a sweep between two
 * conversations.
 *
 * The sweep at start-up, and one every `fullEveryMs`, look at every conversation updated in the last
 * `recentMs`; the sweeps between look only at those updated since the last completed sweep's bound
 * (less a minute for clocks). A message stored after that bound updated its conversation after it,
 * so nothing new is missed; a conversation a sweep found but could not drain (its lock was busy) is
 * looked at again by the next full sweep. Looking over a whole day every 10 s cost a probe per
 * conversation of that day, synchronously on SQLite — 206 ms for 100,000 conversations against about
 * 4 ms for the last few seconds' — and in a 30-minute soak, whose conversations are all new, the
 * reply p99 climbed from 190 to 480 ms with it.
 */
export class TurnSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** When the last full sweep started; null until one completes. */
  private lastFullAt: number | null = null;
  /** The `updatedSince` of the next incremental sweep: the last completed sweep's bound, less slack. */
  private sinceNext: number | null = null;

  constructor(
    private readonly runner: TurnRunner,
    private readonly options: TurnSweeperOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.runOnce(0);
    this.timer = setInterval(() => this.runOnce(this.options.graceMs ?? 30_000), this.options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private runOnce(graceMs: number): void {
    if (this.running) return;
    const now = Date.now();
    const windowStart = now - (this.options.recentMs ?? 24 * 3600 * 1000);
    const full = this.lastFullAt === null || this.sinceNext === null || now - this.lastFullAt >= (this.options.fullEveryMs ?? 10 * 60_000);
    const updatedSince = new Date(full ? windowStart : Math.max(windowStart, this.sinceNext ?? windowStart));
    const storedBefore = now - graceMs;
    this.running = this.runner
      .sweep({ updatedSince, storedBefore: new Date(storedBefore), stopped: () => this.stopped })
      .then(() => {
        // Only a completed sweep moves the bound: after a failed or stopped one, the next looks as far back.
        if (this.stopped) return;
        this.sinceNext = storedBefore - CLOCK_SLACK_MS;
        if (full) this.lastFullAt = now;
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error, event: 'turn.sweep_failed' }, 'could not look for stored messages without their turn'))
      .finally(() => (this.running = null));
  }
}
