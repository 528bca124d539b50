import http from 'node:http';
import type { Delivery } from './webhook-deliveries.js';
import { Latencies, nowMs, sleep } from './stats.js';

export type OpenLoopOptions = {
  /** Base URL of the receiver, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Requests per second, sent on a fixed schedule whatever the responses do. */
  rate: number;
  durationMs: number;
  /** The i-th request. All are built before the run starts, so the generator only sends. */
  make(i: number): Delivery;
  /** Called as the i-th request goes out, with its time on the schedule (`nowMs()` clock). */
  onFire?(i: number, scheduledAt: number): void;
  /** Checked as it goes: true ends the run early (background traffic that lasts as long as something else). */
  stopWhen?: () => boolean;
  /** Give up on a response after this long (counted as failed). Default 30 s. */
  timeoutMs?: number;
};

export type OpenLoopResult = {
  sent: number;
  ok: number;
  failed: number;
  /** Scheduled time → response complete, for 2xx responses (no coordinated omission). */
  acks: Latencies;
  /** How late the generator fired requests against the schedule: its own limit, not the receiver's. */
  fireLag: Latencies;
  /** Acknowledged requests per second, from the first scheduled send to the last 2xx response. */
  ackRate: number;
  statuses: Map<string, number>;
};

/**
 * An open-loop load generator: requests go out on a fixed schedule (`rate`), never waiting for
 * earlier responses, and every latency is measured from the request's scheduled time, so a receiver
 * that stalls is charged for the whole wait of everything queued behind it. Keep-alive HTTP/1.1
 * through node:http (less overhead per request than fetch); a request that finds every socket busy
 * waits in the agent, and that wait counts too.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
  const target = new URL(options.url);
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const deliveries: (Delivery | undefined)[] = Array.from({ length: total }, (_, i) => options.make(i));
  const interval = 1000 / options.rate;
  const acks = new Latencies();
  const fireLag = new Latencies();
  const statuses = new Map<string, number>();
  let ok = 0;
  let failed = 0;
  let lastOkAt = 0;
  const inFlight = new Set<Promise<void>>();
  const start = nowMs() + 20;

  const fire = (i: number, scheduledAt: number) => {
    const delivery = deliveries[i];
    if (!delivery) return;
    deliveries[i] = undefined;
    options.onFire?.(i, scheduledAt);
    const done = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (status: string) => {
        if (finished) return;
        finished = true;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status.startsWith('2')) {
          ok += 1;
          lastOkAt = nowMs();
          acks.add(lastOkAt - scheduledAt);
        } else failed += 1;
        resolve();
      };
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: delivery.path,
          headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) },
          timeout: options.timeoutMs ?? 30_000,
        },
        (response) => {
          response.resume();
          response.on('end', () => finish(String(response.statusCode)));
          response.on('error', () => finish('response error'));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => finish((error as NodeJS.ErrnoException).code ?? error.message));
      request.end(delivery.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  let next = 0;
  let sent = total;
  while (next < total) {
    if (options.stopWhen?.()) {
      sent = next;
      break;
    }
    const now = nowMs();
    // Fire everything due; if the generator fell behind, it catches up (and the lag is recorded).
    while (next < total && start + next * interval <= now) {
      const scheduledAt = start + next * interval;
      fireLag.add(now - scheduledAt);
      fire(next, scheduledAt);
      next += 1;
    }
    const wait = start + next * interval - nowMs();
    await sleep(wait > 2 ? wait - 1 : 0);
  }
  await Promise.all(inFlight);
  agent.destroy();
  const elapsed = (lastOkAt || nowMs()) - start;
  const planned = (sent * 1000) / options.rate;
  return { sent, ok, failed, acks, fireLag, ackRate: elapsed > 0 ? (ok * 1000) / Math.max(elapsed, planned) : 0, statuses };
}
