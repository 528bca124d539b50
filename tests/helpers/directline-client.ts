/** Activity fields the tests read. */
export type WireActivity = {
  id: string;
  type: string;
  text?: string;
  locale?: string;
  from: { id: string; role?: string };
  suggestedActions?: { actions: { type: string; title: string; value: string }[] };
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

  static async start(baseUrl: string): Promise<DirectLineClient> {
    const res = await fetch(`${baseUrl}/v3/directline/conversations`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`start failed: ${res.status}`);
    const body = (await res.json()) as { conversationId: string; token: string };
    return new DirectLineClient(baseUrl, body.conversationId, body.token);
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
export const allText = (replies: WireActivity[]): string => replies.map((r) => r.text ?? '').join('\n');
