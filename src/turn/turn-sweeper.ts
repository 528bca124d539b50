import type { Logger } from '../logging/logger.js';
import type { TurnRunner } from './turn-runner.js';

export type TurnSweeperOptions = {
  logger: Logger;
  /** Between sweeps; default 30 s. */
  intervalMs?: number;
  /** Sweeps after the first look only at conversations updated this recently; default 7 days. */
  recentMs?: number;
};

/**
 * Runs {@link TurnRunner.sweep} once when the process starts (every conversation) and then every
 * `intervalMs` (those updated recently), so a message that was stored and acknowledged but whose
 * turn never ran — the process was killed, or Redis went away in between — is answered without
 * waiting for the beneficiary's next message. One sweep at a time; a failed one is logged and the
 * next tries again.
 */
export class TurnSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly runner: TurnRunner,
    private readonly options: TurnSweeperOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.runOnce();
    const recentMs = this.options.recentMs ?? 7 * 24 * 3600 * 1000;
    this.timer = setInterval(() => this.runOnce(new Date(Date.now() - recentMs)), this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private runOnce(updatedSince?: Date): void {
    if (this.running) return;
    this.running = this.runner
      .sweep(updatedSince ? { updatedSince } : {})
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.warn({ err: error, event: 'turn.sweep_failed' }, 'could not look for stored messages without their turn'))
      .finally(() => (this.running = null));
  }
}
