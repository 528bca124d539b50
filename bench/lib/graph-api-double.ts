import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlidingWindow } from './rate-limits.js';
import { nowMs } from './stats.js';

/** One message the bot sent: to whom, when it arrived (`nowMs()` of this process), and its kind. */
export type Arrival = { to: string; at: number; kind: string };

export type GraphApiDoubleOptions = {
  /** The bearer token the bot must send. */
  token: string;
  /** Messages per second per business number before the double refuses (Meta's default is 80); none when absent. */
  perNumberLimit?: number;
};

/**
 * A Graph API for benchmarks: accepts `POST /v23.0/{phoneNumberId}/messages` as fast as it can and
 * tells `onArrival` listeners at once, so reply latency is timed where the reply lands. With
 * `perNumberLimit`, a send past the limit in any one-second window is refused as Meta refuses it:
 * HTTP 400 with error code 130429 ("Rate limit hit"), counted in `refused`.
 */
export class GraphApiDouble {
  accepted = 0;
  refused = 0;
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly listeners: ((arrival: Arrival) => void)[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  constructor(private readonly options: GraphApiDoubleOptions) {
    this.server.keepAliveTimeout = 60_000;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v23.0`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  onArrival(listener: (arrival: Arrival) => void): void {
    this.listeners.push(listener);
  }

  /** The most messages one number sent in any one-second window (accepted ones). */
  peakPerSecond(): number {
    return Math.max(0, ...[...this.windows.values()].map((w) => w.peak));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = nowMs();
      const send = /^\/v23\.0\/([^/]+)\/messages$/.exec(req.url ?? '');
      if (req.headers.authorization !== `Bearer ${this.options.token}`) return json(res, 401, { error: { message: 'bad token', code: 190 } });
      if (req.method !== 'POST' || !send?.[1]) return json(res, 404, { error: { message: 'not found' } });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(res, 400, { error: { message: 'bad json', code: 100 } });
      }
      if (this.options.perNumberLimit !== undefined && !this.windowOf(send[1]).tryHit(at)) {
        this.refused += 1;
        return json(res, 400, { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } });
      }
      this.accepted += 1;
      const arrival = { to: String(body['to']), at, kind: String(body['type']) };
      for (const listener of this.listeners) listener(arrival);
      json(res, 200, { messaging_product: 'whatsapp', messages: [{ id: `wamid.bench-${this.accepted}` }] });
    });
  }

  private windowOf(phoneNumberId: string): SlidingWindow {
    let window = this.windows.get(phoneNumberId);
    if (!window) {
      window = new SlidingWindow(this.options.perNumberLimit ?? Infinity);
      this.windows.set(phoneNumberId, window);
    }
    return window;
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
