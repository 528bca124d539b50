import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppWebChannel } from '../../adapters/whatsapp-web/whatsapp-web-channel.js';
import type { ChannelFactory } from '../../src/channels/channel-module.js';
import { enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, type TestApp } from '../helpers/test-app.js';
import { waitFor } from './support/traffic.js';

/**
 * The WhatsApp Web session (one browser, one linked phone) is held by one process. A real session
 * needs Chromium and a phone, and the process cannot be pointed at a stand-in by configuration, so
 * this runs two app instances in this process on one data folder and one Redis prefix — as two
 * processes would share them — each with a stand-in client, and checks the owner lease between them.
 */
class FakeClient extends EventEmitter {
  readonly sent: { chatId: string; text: string }[] = [];
  destroyed = false;
  constructor(readonly owner: string) {
    super();
  }
  async initialize(): Promise<void> {}
  async destroy(): Promise<void> {
    this.destroyed = true;
  }
  async sendMessage(chatId: string, text: string): Promise<{ id: string }> {
    this.sent.push({ chatId, text });
    return { id: crypto.randomUUID() };
  }
}

const clients: FakeClient[] = [];
// Long enough that a loaded machine does not lose the lease by lag alone; short enough to take over quickly.
const TTL_MS = 3000;

function sessionChannel(owner: string): ChannelFactory {
  return (deps) =>
    createWhatsAppWebChannel(
      { ...deps, config: { ...deps.config, whatsappWeb: { enabled: true, chromiumPath: '/nonexistent' } } },
      {
        createClient: () => {
          // Never two live sessions: whoever opens one finds every earlier one closed.
          expect(clients.filter((c) => !c.destroyed).map((c) => c.owner)).toEqual([]);
          const client = new FakeClient(owner);
          clients.push(client);
          return client;
        },
        lock: { ttlMs: TTL_MS, renewMs: 300 },
        backoff: { initialMs: 10, maxMs: 40 },
      },
    );
}

const dataDir = tempDir('wa-web-session');
let a: TestApp;
let b: TestApp;
let aStopped = false;

beforeAll(async () => {
  a = await startTestApp({ dataDir, channels: [sessionChannel('a')] });
  b = await startTestApp({ dataDir, prefix: a.prefix, channels: [sessionChannel('b')] });
}, 60_000);

afterAll(async () => {
  await b.stop();
  if (!aStopped) await a.stop();
  await clearRedisPrefix(a.prefix);
  removeDir(dataDir);
});

const sentTexts = (client: FakeClient | undefined, chat: string) => (client?.sent ?? []).filter((s) => s.chatId === chat).map((s) => s.text);

describe('the WhatsApp Web session across two app instances', () => {
  it('is opened by one instance only; messages queued in the other go out through it, once', async () => {
    expect(clients.map((c) => c.owner)).toEqual(['a']);
    const [session] = clients;
    session?.emit('ready');
    const chat = `96651${String(Date.now()).slice(-7)}@c.us`;
    session?.emit('message', { from: chat, id: { _serialized: `m-${crypto.randomUUID()}` }, type: 'chat', body: 'السلام عليكم', hasMedia: false, _data: { notifyName: 'Sara' } });
    expect(await waitFor(() => sentTexts(session, chat).length > 0, 10_000)).toBe(true);
    const conversation = await b.app.store.conversations.findByExternal('whatsapp-web', chat);
    if (!conversation) throw new Error('no conversation');

    // Queued by the instance that does not hold the session (e.g. a staff reply it served).
    await enqueueOutbound(b.app.outbound, { conversationId: conversation.id, idempotencyKey: `from-b-${conversation.id}`, text: 'رد من الباحثة' });
    expect(await waitFor(() => sentTexts(session, chat).includes('رد من الباحثة'), 10_000)).toBe(true);
    expect(sentTexts(session, chat).filter((text) => text === 'رد من الباحثة')).toHaveLength(1);
    expect(clients).toHaveLength(1);
  });

  it('passes to the other instance when its holder stops, never held by both', async () => {
    const chat = `96652${String(Date.now()).slice(-7)}@c.us`;
    const [first] = clients;
    first?.emit('message', { from: chat, id: { _serialized: `m-${crypto.randomUUID()}` }, type: 'chat', body: 'السلام عليكم', hasMedia: false, _data: { notifyName: 'Sara' } });
    expect(await waitFor(() => sentTexts(first, chat).length > 0, 10_000)).toBe(true);
    const conversation = await b.app.store.conversations.findByExternal('whatsapp-web', chat);
    if (!conversation) throw new Error('no conversation');

    await a.stop();
    aStopped = true;
    expect(first?.destroyed).toBe(true);
    expect(await waitFor(() => clients.length === 2, TTL_MS * 10)).toBe(true);
    const second = clients[1];
    expect(second?.owner).toBe('b');
    second?.emit('ready');
    await enqueueOutbound(b.app.outbound, { conversationId: conversation.id, idempotencyKey: `after-${conversation.id}`, text: 'رسالة بعد الانتقال' });
    expect(await waitFor(() => sentTexts(second, chat).includes('رسالة بعد الانتقال'), 10_000)).toBe(true);
    expect(sentTexts(first, chat)).not.toContain('رسالة بعد الانتقال');
  });
});
