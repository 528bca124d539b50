/**
 * A preload for the bot process (`startAppProcess({ nodeArgs: ['--import', RAISE_PACING] })`) that
 * raises the overall rate of every platform `Pacer` to `BENCH_PACER_OVERALL_PER_SECOND`, keeping the
 * per-chat limits. The webhook benchmark uses it to measure the bot rather than the platforms' caps
 * (one WhatsApp number 80/s by default — 1,000/s on Meta's upgraded tier — Telegram 30/s), which the
 * pacers hard-code: there is no configuration for them yet. The Pacer module instance is the bot's
 * own (same file URL), so patching its prototype here changes the pacers the adapters build.
 */
import path from 'node:path';
import { Pacer, type PacerOptions } from '../../src/channels/pacer.js';

export const RAISE_PACING = path.join(import.meta.dirname, 'raise-pacing.ts');

const perSecond = Number(process.env['BENCH_PACER_OVERALL_PER_SECOND']);
if (Number.isFinite(perSecond) && perSecond > 0) {
  const take = Pacer.prototype.take;
  Pacer.prototype.take = function raised(this: Pacer, chat: string): Promise<void> {
    const options = (this as unknown as { options: PacerOptions }).options;
    if (options.overall.perSecond !== perSecond) options.overall = { perSecond, burst: options.overall.burst };
    return take.call(this, chat);
  };
}
