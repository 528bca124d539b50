import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type SentMessage = { phoneNumberId: string; authorization: string | undefined; body: Record<string, unknown> };

/**
 * A local stand-in for the Graph API: records what is POSTed to `/{phoneNumberId}/messages`, and
 * serves media (`GET /{mediaId}` → its URL, then the bytes) for the ids given to `addMedia`.
 */
export class GraphDouble {
  readonly sent: SentMessage[] = [];
  /** Recipients whose 24-hour window is closed: like the real API, only templates reach them (else error 131047). */
  readonly closedWindows = new Set<string>();
  /** Ids of the media whose bytes the bot downloaded, in order. */
  readonly downloads: string[] = [];
  private readonly media = new Map<string, { bytes: Buffer; mimeType: string; fileSize: number }>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v23.0`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Media the bot can fetch; `fileSize` is what the lookup states (default the real length). */
  addMedia(id: string, bytes: Buffer, mimeType: string, fileSize = bytes.length): void {
    this.media.set(id, { bytes, mimeType, fileSize });
  }

  /** Messages sent to one wa_id. */
  sentTo(waId: string): Record<string, unknown>[] {
    return this.sent.map((m) => m.body).filter((body) => body['to'] === waId);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').replace(/^\/v23\.0/, '');
    if (req.headers.authorization !== 'Bearer t') return json(res, 401, { error: { message: 'bad token' } });
    const send = /^\/([^/]+)\/messages$/.exec(path);
    if (req.method === 'POST' && send?.[1]) {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (this.closedWindows.has(String(body['to'])) && body['type'] !== 'template') {
        return json(res, 400, { error: { message: 'Re-engagement message', type: 'OAuthException', code: 131047 } });
      }
      this.sent.push({ phoneNumberId: send[1], authorization: req.headers.authorization, body });
      return json(res, 200, { messaging_product: 'whatsapp', messages: [{ id: `wamid.out-${this.sent.length}` }] });
    }
    const bytes = /^\/media-bytes\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && bytes?.[1]) {
      const media = this.media.get(bytes[1]);
      if (!media) return json(res, 404, {});
      this.downloads.push(bytes[1]);
      res.writeHead(200, { 'content-type': media.mimeType }).end(media.bytes);
      return;
    }
    const lookup = /^\/([^/]+)$/.exec(path);
    const media = lookup?.[1] ? this.media.get(lookup[1]) : undefined;
    if (req.method === 'GET' && lookup?.[1] && media) {
      return json(res, 200, { url: `${this.url}/media-bytes/${lookup[1]}`, mime_type: media.mimeType, file_size: media.fileSize, id: lookup[1] });
    }
    json(res, 404, { error: { message: 'not found' } });
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
