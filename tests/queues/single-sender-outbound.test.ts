import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createWhatsAppWebChannel } from '../../adapters/whatsapp-web/whatsapp-web-channel.js';
import { enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { useTestApp } from '../helpers/test-app.js';

/** whatsapp-web.js's Client as far as the channel uses it; `ready` is emitted by the test. */
class FakeClient extends EventEmitter {
  sent: { chatId: string; text: string }[] = [];
  async initialize(): Promise<void> {}
  async destroy(): Promise<void> {}
  async sendMessage(chatId: string, text: string): Promise<{ id: string }> {
    this.sent.push({ chatId, text });
    return { id: crypto.randomUUID() };
  }
  texts(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }
}

const fake = new FakeClient();
const t = useTestApp({
  channels: [
    (deps) =>
      createWhatsAppWebChannel(
        { ...deps, config: { ...deps.config, whatsappWeb: { enabled: true, chromiumPath: '/nonexistent' } } },
        { createClient: () => fake, backoff: { initialMs: 1000, maxMs: 1000 } },
      ),
  ],
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('queued messages on a channel only one process can send on', () => {
  it('wait while the WhatsApp Web session is not ready in this process, and go out once it is', async () => {
    const chat = `96650${String(Date.now()).slice(-7)}@c.us`;
    fake.emit('message', { from: chat, id: { _serialized: `m-${crypto.randomUUID()}` }, type: 'chat', body: 'السلام عليكم', _data: { notifyName: 'Sara' } });
    await until(() => fake.texts(chat).length > 0, 'the greeting');
    const conversation = await t().app.store.conversations.findByExternal('whatsapp-web', chat);
    if (!conversation) throw new Error('no conversation');

    await enqueueOutbound(t().app.outbound, { conversationId: conversation.id, idempotencyKey: `early-${conversation.id}`, text: 'رد الباحثة: أهلًا بك' });
    await sleep(600);
    expect(fake.texts(chat)).not.toContain('رد الباحثة: أهلًا بك');

    fake.emit('ready');
    await until(() => fake.texts(chat).includes('رد الباحثة: أهلًا بك'), 'the queued reply');

    fake.emit('disconnected', 'NAVIGATION');
    await enqueueOutbound(t().app.outbound, { conversationId: conversation.id, idempotencyKey: `later-${conversation.id}`, text: 'رسالة ثانية' });
    await sleep(600);
    expect(fake.texts(chat)).not.toContain('رسالة ثانية');
    fake.emit('ready');
    await until(() => fake.texts(chat).includes('رسالة ثانية'), 'the second reply');
    expect(fake.texts(chat).filter((text) => text === 'رد الباحثة: أهلًا بك')).toHaveLength(1);
  });
});
