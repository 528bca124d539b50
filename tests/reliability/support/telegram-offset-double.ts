import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Telegram Bot API stand-in that keeps updates the way Telegram does: `getUpdates` returns every
 * update from `offset` on, and an update counts as confirmed (and is forgotten) only when a later
 * `getUpdates` asks for an offset past it. So a bot killed while handling a batch gets the batch
 * again after its restart, and `confirmed` says exactly which updates the bot let go of.
 * (`tests/adapters/telegram-api-double.ts` hands each update out once, which is enough for those tests.)
 */
export class TelegramOffsetDouble {
  /** Every sendMessage, in arrival order. */
  readonly sends: { chatId: string; text: string }[] = [];
  /** Ids of updates the bot confirmed by asking for a later offset. */
  readonly confirmed = new Set<number>();
  private pending: { update_id: number }[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private readonly server = http.createServer((request, response) => void this.handle(request, response));

  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues a text message from a private chat; returns its update id. */
  pushText(chatId: number, text: string): number {
    const updateId = this.nextUpdateId++;
    const messageId = this.nextMessageId++;
    this.pending.push({
      update_id: updateId,
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'T' }, text },
    } as { update_id: number });
    return updateId;
  }

  sentTo(chatId: number): string[] {
    return this.sends.filter((s) => s.chatId === String(chatId)).map((s) => s.text);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!match || match[1] !== this.token || request.method !== 'POST') return reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = match[2] ?? '';
    const body = await readJson(request);
    if (method === 'getUpdates') return this.getUpdates(body, response);
    if (method === 'sendMessage') {
      this.sends.push({ chatId: String(body['chat_id']), text: String(body['text']) });
      return reply(response, 200, { ok: true, result: { message_id: this.nextMessageId++, date: 0, chat: { id: body['chat_id'], type: 'private' }, text: body['text'] } });
    }
    if (method === 'getMe') return reply(response, 200, { ok: true, result: { id: 123, is_bot: true, first_name: 'Injab', username: 'injab_test_bot' } });
    return reply(response, 200, { ok: true, result: true });
  }

  private async getUpdates(body: Record<string, unknown>, response: http.ServerResponse): Promise<void> {
    const offset = typeof body['offset'] === 'number' ? body['offset'] : 0;
    // As Telegram: asking for `offset` confirms every update before it.
    for (const update of this.pending) if (update.update_id < offset) this.confirmed.add(update.update_id);
    this.pending = this.pending.filter((update) => update.update_id >= offset);
    let gone = false;
    response.on('close', () => (gone = true));
    const limit = typeof body['limit'] === 'number' ? body['limit'] : 100;
    const until = Date.now() + (body['timeout'] === undefined ? 0 : 100);
    while (this.pending.length === 0 && !gone && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    if (!gone) reply(response, 200, { ok: true, result: this.pending.slice(0, limit) });
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
