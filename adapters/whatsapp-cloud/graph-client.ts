import { z } from 'zod';
import { MAX_FILE_BYTES } from '../../src/security/file-type.js';
import { graphErrorCode, WhatsAppGraphError } from './whatsapp-graph-error.js';

export type GraphClientOptions = {
  /** Base URL with the API version, e.g. `https://graph.facebook.com/v23.0`. */
  graphUrl: string;
  token: string;
  phoneNumberId: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
};

/** Largest media the bot downloads (WhatsApp documents can be 100 MB; the bot accepts what web chat does). */
export const MAX_MEDIA_BYTES = MAX_FILE_BYTES;

const mediaInfo = z.looseObject({ url: z.url(), mime_type: z.string().max(200).optional(), file_size: z.number().optional() });

/** The two Graph API calls the channel needs: send a message, fetch a received media file. */
export class GraphClient {
  private readonly base: string;

  constructor(private readonly options: GraphClientOptions) {
    this.base = options.graphUrl.replace(/\/+$/, '');
  }

  /** POSTs one message payload to `/{phoneNumberId}/messages`; returns the WhatsApp message id. */
  async sendMessage(payload: Record<string, unknown>): Promise<string | undefined> {
    const response = await this.call('send message', `${this.base}/${encodeURIComponent(this.options.phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const body = (await response.json().catch(() => null)) as { messages?: { id?: unknown }[] } | null;
    const id = body?.messages?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  }

  /**
   * Resolves a media id to its short-lived URL, then downloads the bytes (both with the token). A file
   * the lookup says is larger than `MAX_MEDIA_BYTES` is never downloaded: `WhatsAppGraphError` 413.
   */
  async downloadMedia(mediaId: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
    const infoResponse = await this.call('media lookup', `${this.base}/${encodeURIComponent(mediaId)}`, { method: 'GET' });
    const info = mediaInfo.safeParse(await infoResponse.json().catch(() => null));
    if (!info.success) throw new WhatsAppGraphError('media lookup (no url)', 502);
    if (info.data.file_size !== undefined && info.data.file_size > MAX_MEDIA_BYTES) throw new WhatsAppGraphError('media download (too large)', 413);
    const file = await this.call('media download', info.data.url, { method: 'GET' });
    if (Number(file.headers.get('content-length')) > MAX_MEDIA_BYTES) {
      await file.body?.cancel();
      throw new WhatsAppGraphError('media download (too large)', 413);
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length > MAX_MEDIA_BYTES) throw new WhatsAppGraphError('media download (too large)', 413);
    return { bytes, contentType: info.data.mime_type ?? file.headers.get('content-type') ?? undefined };
  }

  private async call(operation: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new WhatsAppGraphError(operation, 0, error);
    }
    if (!response.ok) {
      // The body names the Graph error (code, fbtrace_id); keep it as the cause, never in the message.
      const detail = await response.text().catch(() => '');
      throw new WhatsAppGraphError(operation, response.status, detail.slice(0, 500), graphErrorCode(detail));
    }
    return response;
  }
}
