import http from 'node:http';
import { nowMs, sleep } from './stats.js';

/**
 * A lean Direct Line client for load: `node:http` with one keep-alive agent per server, no JSON
 * beyond what a turn needs. It speaks the three calls a web chat page makes (start a conversation,
 * post a message, read the activity stream from a watermark), so the bot and the null bot are
 * driven by exactly the same code. `fetch` would do too, but costs the load generator — which shares
 * the machine with the server — several times more CPU per request.
 */
export class DirectLineLoadClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  private readonly host: string;
  private readonly port: number;

  constructor(readonly baseUrl: string) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  /** Opens a conversation as the chat page does when it loads. */
  async start(userId: string): Promise<LoadConversation> {
    const res = await this.request('POST', '/v3/directline/conversations', null, null);
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${res.body.slice(0, 200)}`);
    const body = JSON.parse(res.body) as { conversationId: string; token: string };
    return { id: body.conversationId, token: body.token, userId, watermark: '0' };
  }

  /**
   * One turn as a person sees it: posts `text`, then reads the stream until a bot activity after the
   * posted one is there. Returns the milliseconds from posting to the reply being readable and the
   * replies (their text and the field the bot asks for next).
   */
  async turn(conversation: LoadConversation, text: string): Promise<{ ms: number; replies: LoadReply[] }> {
    const started = nowMs();
    const path = `/v3/directline/conversations/${conversation.id}/activities`;
    const posted = await this.request('POST', path, conversation.token, JSON.stringify({ type: 'message', text, from: { id: conversation.userId } }));
    if (posted.status !== 200) throw new Error(`post failed: ${posted.status} ${posted.body.slice(0, 200)}`);
    const { id } = JSON.parse(posted.body) as { id: string };
    let seen = false;
    const replies: LoadReply[] = [];
    // The project's POST returns once the turn has run, so the first read has the reply; the loop is
    // for a server that answers later (and would show up in the latency, as it should).
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const read = await this.request('GET', `${path}?watermark=${conversation.watermark}`, conversation.token, null);
      if (read.status !== 200) throw new Error(`read failed: ${read.status} ${read.body.slice(0, 200)}`);
      const body = JSON.parse(read.body) as { activities: WireLike[]; watermark: string };
      conversation.watermark = body.watermark;
      for (const activity of body.activities) {
        if (activity.id === id) seen = true;
        else if (seen && activity.from?.role === 'bot') replies.push({ text: activity.text ?? '', field: activity.channelData?.field });
      }
      if (replies.length > 0) return { ms: nowMs() - started, replies };
      await sleep(attempt < 20 ? 5 : 50);
    }
    throw new Error(`no reply to "${text}" in conversation ${conversation.id}`);
  }

  close(): void {
    this.agent.destroy();
  }

  private request(method: string, path: string, token: string | null, body: string | null): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      if (token) headers['authorization'] = `Bearer ${token}`;
      if (body !== null) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  }
}

export type LoadConversation = { id: string; token: string; userId: string; watermark: string };

/** A bot reply as the load reads it: its text and the form field it asks for, if any. */
export type LoadReply = { text: string; field: string | undefined };

type WireLike = { id?: string; text?: string; from?: { role?: string }; channelData?: { field?: string } };
