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
};

/**
 * Runs {@link TurnRunner.sweep} when the process starts and then every `intervalMs`, over the
 * conversations updated in the last `recentMs`, so a message that was stored and acknowledged but
 * whose turn never ran — the process was killed, or Redis went away in between — is answered without
 * waiting for the beneficiary's next message. One sweep at a time; a failed one is logged and the
 * next tries again; stopping ends a sweep between two conversations.
 */
export class TurnSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

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
    const updatedSince = new Date(now - (this.options.recentMs ?? 24 * 3600 * 1000));
    const storedBefore = new Date(now - graceMs);
    this.running = this.runner
      .sweep({ updatedSince, storedBefore, stopped: () => this.stopped })
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.warn({ err: error, event: 'turn.sweep_failed' }, 'could not look for stored messages without their turn'))
      .finally(() => (this.running = null));
  }
}
