/** Activity fields the tests read. */
export type WireActivity = {
  id: string;
  type: string;
  text?: string;
  locale?: string;
  from: { id: string; role?: string };
  suggestedActions?: { actions: { type: string; title: string; value: string }[] };
  inputHint?: string;
  channelData?: { field?: string; inputType?: string; faq?: unknown };
  attachments?: { name?: string; contentType: string }[];
};

/**
 * A Direct Line client over real HTTP, as a web chat page would use it: start a conversation, post
 * messages with its token, read the activity stream from a watermark.
 */
export class DirectLineClient {
  watermark = '0';

  private constructor(
    readonly baseUrl: string,
    readonly conversationId: string,
    readonly token: string,
    readonly userId = 'visitor-1',
  ) {}

  /** A new conversation; `userId` is the visitor (another browser is another user). */
  static async start(baseUrl: string, userId = 'visitor-1'): Promise<DirectLineClient> {
    const res = await fetch(`${baseUrl}/v3/directline/conversations`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`start failed: ${res.status}`);
    const body = (await res.json()) as { conversationId: string; token: string };
    return new DirectLineClient(baseUrl, body.conversationId, body.token, userId);
  }

  /** The same conversation reached again (another tab, or after a restart). */
  static resume(baseUrl: string, conversationId: string, token: string): DirectLineClient {
    return new DirectLineClient(baseUrl, conversationId, token);
  }

  post(body: unknown, options: { token?: string | null; conversationId?: string; raw?: string } = {}): Promise<Response> {
    const token = options.token === undefined ? this.token : options.token;
    return fetch(`${this.baseUrl}/v3/directline/conversations/${options.conversationId ?? this.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: options.raw ?? JSON.stringify(body),
    });
  }

  /** Sends a message and returns the bot's replies to it. */
  async say(text: string, locale?: string): Promise<WireActivity[]> {
    const res = await this.post({ type: 'message', text, from: { id: this.userId }, ...(locale ? { locale } : {}) });
    if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const fresh = await this.read();
    const index = fresh.findIndex((a) => a.id === id);
    return fresh.slice(index + 1).filter((a) => a.from.role === 'bot');
  }

  /** Uploads a file as the web chat page does and returns the bot's replies to it. */
  async upload(name: string, contentType: string, bytes: string | Uint8Array<ArrayBuffer> = '%PDF-1.4 test'): Promise<WireActivity[]> {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: contentType }), name);
    const res = await fetch(`${this.baseUrl}/v3/directline/conversations/${this.conversationId}/upload?userId=${this.userId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
      body: form,
    });
    if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const fresh = await this.read();
    const index = fresh.findIndex((a) => a.id === id);
    return fresh.slice(index + 1).filter((a) => a.from.role === 'bot');
  }

  /** Activities after the current watermark (and moves the watermark). */
  async read(): Promise<WireActivity[]> {
    const res = await this.get(this.watermark);
    if (res.status !== 200) throw new Error(`read failed: ${res.status}`);
    const body = (await res.json()) as { activities: WireActivity[]; watermark: string };
    this.watermark = body.watermark;
    return body.activities;
  }

  get(watermark = '0', options: { token?: string | null; conversationId?: string } = {}): Promise<Response> {
    const token = options.token === undefined ? this.token : options.token;
    return fetch(`${this.baseUrl}/v3/directline/conversations/${options.conversationId ?? this.conversationId}/activities?watermark=${watermark}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  }
}

export const lastText = (replies: WireActivity[]): string => replies.at(-1)?.text ?? '';

/** The form field the bot's last question asks for (`channelData.field`), if it asked one. */
export const askedField = (replies: WireActivity[]): string | undefined => replies.findLast((r) => r.channelData?.field)?.channelData?.field;

/** Titles of the buttons offered with the last reply. */
export const buttons = (replies: WireActivity[]): string[] => (replies.at(-1)?.suggestedActions?.actions ?? []).map((a) => a.title);
export const allText = (replies: WireActivity[]): string => replies.map((r) => r.text ?? '').join('\n');
