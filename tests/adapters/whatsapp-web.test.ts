import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ChannelModule } from '../../src/channels/channel-module.js';
import { createLogger } from '../../src/logging/logger.js';
import { createWhatsAppWebChannel, type WhatsAppWebChannelOptions } from '../../adapters/whatsapp-web/whatsapp-web-channel.js';
import { useTestApp } from '../helpers/test-app.js';
import { FILES, REFUSED_SIZE_AR, REFUSED_TYPE_AR } from './file-fixtures.js';

/** Stands in for whatsapp-web.js's Client: never launches a browser. */
class FakeClient extends EventEmitter {
  initializeCalls = 0;
  destroyed = false;
  sent: { chatId: string; text: string }[] = [];
  async initialize(): Promise<void> {
    this.initializeCalls += 1;
  }
  async destroy(): Promise<void> {
    this.destroyed = true;
  }
  async sendMessage(chatId: string, text: string): Promise<{ id: string }> {
    this.sent.push({ chatId, text });
    return { id: crypto.randomUUID() };
  }
  textTo(chatId: string): string {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text).join('\n');
  }
}

const t = useTestApp();
const logger = createLogger({ level: 'silent' });
const modules: ChannelModule[] = [];

function build(fake: FakeClient, options: WhatsAppWebChannelOptions = {}): ChannelModule {
  const app = t().app;
  const module = createWhatsAppWebChannel(
    { config: { ...app.config, whatsappWeb: { enabled: true, chromiumPath: '/nonexistent' } }, store: app.store, runner: app.runner, logger, i18n: app.i18n },
    { createClient: () => fake, backoff: { initialMs: 10, maxMs: 40 }, ...options },
  );
  if (!module) throw new Error('channel not built');
  modules.push(module);
  return module;
}

let fake: FakeClient;
let started = false;
async function channel(): Promise<FakeClient> {
  if (started) return fake;
  fake = new FakeClient();
  const module = build(fake);
  t().app.runner.register(module.adapter);
  await module.start();
  started = true;
  return fake;
}

afterAll(async () => {
  for (const module of modules) await module.stop();
});

let counter = 0;
function newChat(): string {
  counter += 1;
  return `9665${String(Date.now()).slice(-6)}${String(counter).padStart(2, '0')}@c.us`;
}

function message(from: string, fields: Record<string, unknown> = {}) {
  return { from, id: { _serialized: `m-${crypto.randomUUID()}` }, type: 'chat', body: 'السلام عليكم', hasMedia: false, _data: { notifyName: 'Sara' }, ...fields };
}

describe('WhatsApp Web channel', () => {
  it('is not built unless enabled', () => {
    const app = t().app;
    expect(createWhatsAppWebChannel({ config: app.config, store: app.store, runner: app.runner, logger, i18n: app.i18n })).toBeNull();
  });

  it('greets «السلام عليكم» with a numbered menu, in that chat', async () => {
    const client = await channel();
    expect(client.initializeCalls).toBe(1);
    const chat = newChat();
    client.emit('message', message(chat));
    await vi.waitFor(() => expect(client.textTo(chat)).toContain('وعليكم السلام'), { timeout: 5000 });
    await vi.waitFor(() => expect(client.textTo(chat)).toContain('1.'), { timeout: 5000 });
  });

  it('answers the same message id once', async () => {
    const client = await channel();
    const chat = newChat();
    const msg = message(chat);
    client.emit('message', msg);
    client.emit('message', msg);
    await vi.waitFor(() => expect(client.textTo(chat)).toContain('وعليكم السلام'), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.textTo(chat).split('وعليكم السلام').length - 1).toBe(1);
    const conversation = await t().app.store.conversations.findByExternal('whatsapp-web', chat);
    expect(await t().app.store.messages.list(conversation?.id ?? '', { direction: 'incoming' })).toHaveLength(1);
  });

  it('asks politely for text after a voice note', async () => {
    const client = await channel();
    const chat = newChat();
    client.emit('message', message(chat, { type: 'ptt', body: '', hasMedia: true }));
    await vi.waitFor(() => expect(client.textTo(chat)).toContain('اكتب لي رسالتك نصًا'), { timeout: 5000 });
  });

  it('stores an image in the file store', async () => {
    const client = await channel();
    const chat = newChat();
    const bytes = Buffer.concat([FILES.jpeg, crypto.randomBytes(2048 - FILES.jpeg.length)]);
    const downloadMedia = async () => ({ mimetype: 'image/jpeg', data: bytes.toString('base64'), filename: 'id.jpg' });
    client.emit('message', message(chat, { type: 'image', body: '', hasMedia: true, downloadMedia }));
    await vi.waitFor(() => expect(client.textTo(chat)).not.toBe(''), { timeout: 5000 });
    const conversation = await t().app.store.conversations.findByExternal('whatsapp-web', chat);
    const [incoming] = await t().app.store.messages.list(conversation?.id ?? '', { direction: 'incoming' });
    const attachment = (incoming?.activity['attachments'] as { contentType: string; name: string; content: { fileId: string; size: number } }[] | undefined)?.[0];
    expect(attachment).toMatchObject({ contentType: 'image/jpeg', name: 'id.jpg', content: { size: 2048 } });
    const file = await t().app.store.files.get(attachment?.content.fileId ?? '');
    expect(file?.bytes.equals(bytes)).toBe(true);
    expect(file?.meta.conversationId).toBe(conversation?.id);
  });

  it('ignores group messages and status broadcasts', async () => {
    const client = await channel();
    const group = `1203630${String(Date.now()).slice(-8)}@g.us`;
    client.emit('message', message(group));
    client.emit('message', message('status@broadcast', { isStatus: true }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.textTo(group)).toBe('');
    expect(client.textTo('status@broadcast')).toBe('');
    expect(await t().app.store.conversations.findByExternal('whatsapp-web', group)).toBeNull();
  });

  it('keeps a second process on standby while the first holds the session', async () => {
    await channel();
    const other = new FakeClient();
    const created = vi.fn(() => other);
    const module = build(other, { createClient: created });
    await module.start();
    expect(created).not.toHaveBeenCalled();
    expect(other.initializeCalls).toBe(0);
    await module.stop();
  });

  it('re-initializes after a disconnect, with backoff', async () => {
    const client = await channel();
    const before = client.initializeCalls;
    client.emit('disconnected', 'NAVIGATION');
    await vi.waitFor(() => expect(client.initializeCalls).toBe(before + 1), { timeout: 2000 });
    client.emit('disconnected', 'NAVIGATION');
    await vi.waitFor(() => expect(client.initializeCalls).toBe(before + 2), { timeout: 2000 });
  });
});

describe('WhatsApp Web files, typed by their bytes', () => {
  const media = (bytes: Buffer, filename: string) => vi.fn(async () => ({ mimetype: 'image/jpeg', data: bytes.toString('base64'), filename }));

  async function incoming(chat: string) {
    const conversation = await t().app.store.conversations.findByExternal('whatsapp-web', chat);
    return t().app.store.messages.list(conversation?.id ?? '', { direction: 'incoming' });
  }

  /** Sends one message and waits until the bot has answered it. */
  async function send(client: FakeClient, chat: string, fields: Record<string, unknown>): Promise<string> {
    const before = client.sent.filter((s) => s.chatId === chat).length;
    client.emit('message', message(chat, fields));
    await vi.waitFor(() => expect(client.sent.filter((s) => s.chatId === chat).length).toBeGreaterThan(before), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    return client.sent.filter((s) => s.chatId === chat).slice(before).map((s) => s.text).join('\n');
  }

  it('accepts a PDF sent as «scan.jpg» with image/jpeg, as the PDF it is', async () => {
    const client = await channel();
    const chat = newChat();
    await send(client, chat, { type: 'document', body: '', hasMedia: true, downloadMedia: media(FILES.pdf, 'scan.jpg') });
    const [received] = await incoming(chat);
    const attachment = (received?.activity['attachments'] as { contentType: string; name: string; content: { fileId: string } }[] | undefined)?.[0];
    expect(attachment).toMatchObject({ contentType: 'application/pdf', name: 'scan.jpg.pdf' });
    const file = await t().app.store.files.get(attachment?.content.fileId ?? '');
    expect(file?.meta.contentType).toBe('application/pdf');
  });

  it('refuses a program or a web page declared as image/jpeg, says why, and keeps nothing', async () => {
    const client = await channel();
    const chat = newChat();
    expect(await send(client, chat, { type: 'image', body: 'هويتي', hasMedia: true, downloadMedia: media(FILES.exe, 'photo.jpg') })).toContain(REFUSED_TYPE_AR);
    expect(await send(client, chat, { type: 'document', body: '', hasMedia: true, downloadMedia: media(FILES.html, 'id.jpg') })).toContain(REFUSED_TYPE_AR);
    for (const received of await incoming(chat)) {
      expect(received.activity['attachments']).toBeUndefined();
      expect(received.activity).toMatchObject({ text: '', channelData: { unsupported: true, fileRefused: 'file_type' } });
    }
  });

  it('refuses a file WhatsApp says is over 10 MB without downloading it', async () => {
    const client = await channel();
    const chat = newChat();
    const downloadMedia = media(FILES.pdf, 'report.pdf');
    const replies = await send(client, chat, { type: 'document', body: '', hasMedia: true, downloadMedia, _data: { notifyName: 'Sara', size: 12 * 1024 * 1024 } });
    expect(replies).toContain(REFUSED_SIZE_AR);
    expect(downloadMedia).not.toHaveBeenCalled();
  });

  it('keeps the application where it was: the refused file is answered and the same question asked again', async () => {
    const client = await channel();
    const chat = newChat();
    await send(client, chat, { body: 'ابي اقدم طلب دعم' });
    await send(client, chat, { body: 'أوافق' });
    const askId = await send(client, chat, { body: 'خالد سعد الدوسري' });
    const refused = await send(client, chat, { type: 'image', body: '', hasMedia: true, downloadMedia: media(FILES.exe, 'id.jpg') });
    expect(refused).toContain(REFUSED_TYPE_AR);
    expect(refused).toContain(askId.split('\n').at(-1) ?? '');
    const conversation = await t().app.store.conversations.findByExternal('whatsapp-web', chat);
    expect(JSON.stringify(conversation?.state)).toContain('خالد سعد الدوسري');
  });
});
