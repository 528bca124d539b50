import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ApiCall = { method: string; body: Record<string, unknown> };

/**
 * A local stand-in for the Telegram Bot API, spoken to by the real telegraf over HTTP: serves pushed
 * updates to getUpdates (long polling held ~100 ms when there are none), records every other call,
 * and serves file downloads under `/file/bot<token>/<path>`.
 */
export class TelegramApiDouble {
  readonly calls: ApiCall[] = [];
  /** Ids of the files the bot downloaded, in order. */
  readonly downloads: string[] = [];
  private readonly queue: unknown[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly server = http.createServer((request, response) => void this.handle(request, response));
  private nextMessageId = 1000;

  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  push(update: unknown): void {
    this.queue.push(update);
  }

  /** A file the bot can fetch with getFile(`fileId`). */
  addFile(fileId: string, bytes: Buffer): void {
    this.files.set(fileId, bytes);
  }

  sent(chatId: number): ApiCall['body'][] {
    return this.calls.filter((c) => c.method === 'sendMessage' && String(c.body['chat_id']) === String(chatId)).map((c) => c.body);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const filePrefix = `/file/bot${this.token}/files/`;
    if (url.pathname.startsWith(filePrefix)) {
      const fileId = url.pathname.slice(filePrefix.length);
      this.downloads.push(fileId);
      const bytes = this.files.get(fileId);
      response.writeHead(bytes ? 200 : 404).end(bytes ?? '');
      return;
    }
    const match = new RegExp(`^/bot${this.token.replace(':', '\\:')}/(\\w+)$`).exec(url.pathname);
    if (!match?.[1] || request.method !== 'POST') {
      reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const method = match[1];
    const body = await readJson(request);
    if (method === 'getUpdates') {
      // The client aborts a held poll when telegraf stops; then there is nobody to answer.
      let gone = false;
      response.on('close', () => (gone = true));
      if (this.queue.length === 0 && body['timeout'] !== undefined) await holdUntil(() => this.queue.length > 0 || gone, 100);
      if (!gone) reply(response, 200, { ok: true, result: this.queue.splice(0) });
      return;
    }
    this.calls.push({ method, body });
    reply(response, 200, { ok: true, result: this.result(method, body) });
  }

  private result(method: string, body: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return { id: 123, is_bot: true, first_name: 'Injab', username: 'injab_test_bot' };
      case 'sendMessage':
        return { message_id: (this.nextMessageId += 1), date: 0, chat: { id: body['chat_id'], type: 'private' }, text: body['text'] };
      case 'getFile':
        return { file_id: body['file_id'], file_unique_id: `u-${String(body['file_id'])}`, file_path: `files/${String(body['file_id'])}` };
      default:
        return true;
    }
  }
}

function reply(response: http.ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function holdUntil(ready: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!ready() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}
