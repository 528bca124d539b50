import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Arrival } from './graph-api-double.js';
import { PerKeyBudget, SlidingWindow } from './rate-limits.js';
import { nowMs } from './stats.js';

export type BotApiDoubleOptions = {
  token: string;
  /**
   * Enforce Telegram's limits: 30 messages/s overall (strict, any one-second window) and about one
   * per second to one chat (bursts of 3 tolerated). Off: accept everything as fast as possible.
   */
  limits?: { overallPerSecond: number; perChatPerSecond: number; perChatBurst: number };
};

/**
 * A Telegram Bot API for benchmarks, for a bot in webhook mode: answers getMe, setMyCommands and
 * setWebhook, and accepts sendMessage as fast as it can, telling `onArrival` listeners at once.
 * With `limits`, a send past them is refused as Telegram refuses it (HTTP 429, `retry_after`),
 * counted in `refused`. Chat actions (typing) are answered and not counted.
 */
export class BotApiDouble {
  accepted = 0;
  refused = 0;
  /** Of `refused`, those over the per-chat budget (the rest passed the overall limit). */
  refusedPerChat = 0;
  private readonly overall: SlidingWindow | null;
  private readonly perChat: PerKeyBudget | null;
  private readonly listeners: ((arrival: Arrival) => void)[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly path: RegExp;

  constructor(options: BotApiDoubleOptions) {
    this.server.keepAliveTimeout = 60_000;
    this.path = new RegExp(`^/bot${options.token.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`)}/(\\w+)$`);
    this.overall = options.limits ? new SlidingWindow(options.limits.overallPerSecond) : null;
    this.perChat = options.limits ? new PerKeyBudget(options.limits.perChatPerSecond, options.limits.perChatBurst) : null;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  onArrival(listener: (arrival: Arrival) => void): void {
    this.listeners.push(listener);
  }

  /** The most messages sent in any one-second window (accepted ones); 0 without limits. */
  peakPerSecond(): number {
    return this.overall?.peak ?? 0;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = nowMs();
      const method = this.path.exec(new URL(req.url ?? '/', 'http://double').pathname)?.[1];
      if (!method) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        if (text) body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: bad JSON' });
      }
      if (method === 'getMe') return reply(res, 200, { ok: true, result: { id: 123, is_bot: true, first_name: 'Injab', username: 'injab_bench_bot' } });
      if (method === 'getUpdates') return reply(res, 200, { ok: true, result: [] });
      if (method !== 'sendMessage') return reply(res, 200, { ok: true, result: true });
      const chat = String(body['chat_id']);
      const over = !this.perChat || !this.overall ? null : !this.perChat.tryHit(chat, at) ? 'chat' : !this.overall.tryHit(at) ? 'overall' : null;
      if (over) {
        this.refused += 1;
        if (over === 'chat') this.refusedPerChat += 1;
        return reply(res, 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      }
      this.accepted += 1;
      for (const listener of this.listeners) listener({ to: chat, at, kind: 'text' });
      reply(res, 200, { ok: true, result: { message_id: this.accepted, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat), type: 'private' }, text: body['text'] } });
    });
  }
}

function reply(res: http.ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}
