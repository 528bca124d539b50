import type { Arrival } from './graph-api-double.js';
import { Latencies, nowMs, sleep } from './stats.js';

/**
 * Times replies where they land: each sender has at most one message awaiting its first reply
 * (the benchmark gives every message its own sender), so the first message a double receives for
 * that recipient is the reply, timed from the message's scheduled send time.
 */
export class ReplyTracker {
  private readonly pending = new Map<string, { at: number; channel: string }>();
  readonly all = new Latencies();
  readonly byChannel = new Map<string, Latencies>();
  expected = 0;
  received = 0;
  lastArrivalAt = 0;

  expect(channel: string, recipient: string, scheduledAt: number): void {
    this.pending.set(`${channel}:${recipient}`, { at: scheduledAt, channel });
    this.expected += 1;
  }

  arrive(channel: string, arrival: Arrival): void {
    const key = `${channel}:${arrival.to}`;
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    this.received += 1;
    this.lastArrivalAt = nowMs();
    const ms = arrival.at - waiting.at;
    this.all.add(ms);
    let channelLatencies = this.byChannel.get(channel);
    if (!channelLatencies) this.byChannel.set(channel, (channelLatencies = new Latencies()));
    channelLatencies.add(ms);
  }

  /** Waits until every expected reply came, none came for `idleMs`, or `maxMs` passed. */
  async settle(idleMs: number, maxMs: number): Promise<void> {
    const started = nowMs();
    this.lastArrivalAt = Math.max(this.lastArrivalAt, started);
    while (this.pending.size > 0 && nowMs() - this.lastArrivalAt < idleMs && nowMs() - started < maxMs) await sleep(50);
  }
}
