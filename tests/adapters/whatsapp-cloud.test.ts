import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src/store/types.js';
import { useTestApp } from '../helpers/test-app.js';
import { FILES, REFUSED_SIZE_AR, REFUSED_TYPE_AR } from './file-fixtures.js';
import { GraphDouble } from './whatsapp-cloud-graph-double.js';

const graph = new GraphDouble();
const env: Record<string, string> = {
  WHATSAPP_CLOUD_TOKEN: 't',
  WHATSAPP_PHONE_NUMBER_ID: '1000',
  WHATSAPP_APP_SECRET: 's3cret',
  WHATSAPP_VERIFY_TOKEN: 'v',
};
beforeAll(async () => {
  env['WHATSAPP_GRAPH_URL'] = await graph.start();
});
const t = useTestApp({ env });
afterAll(() => graph.stop());

let counter = 0;
/** A fresh sender per test, so conversations never mix. */
function newWaId(): string {
  counter += 1;
  return `9665${String(Date.now()).slice(-6)}${String(counter).padStart(2, '0')}`;
}

function delivery(waId: string, messages: Record<string, unknown>[], statuses: Record<string, unknown>[] = []): string {
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '966500000000', phone_number_id: '1000' },
    ...(messages.length ? { contacts: [{ profile: { name: 'Sara' }, wa_id: waId }], messages } : {}),
    ...(statuses.length ? { statuses } : {}),
  };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba-1', changes: [{ field: 'messages', value }] }] });
}

function textMessage(waId: string, body: string, id = `wamid.${crypto.randomUUID()}`): Record<string, unknown> {
  return { from: waId, id, timestamp: '1700000000', type: 'text', text: { body } };
}

function sign(body: string, secret = 's3cret'): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts a delivery, then waits for the turns it started (the webhook is answered before they run). */
async function post(body: string, signature: string | null): Promise<Response> {
  const response = await fetch(`${t().url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body,
  });
  await t().app.runner.settle();
  return response;
}

/** The words of a sent message, whether plain text or interactive. */
function textOf(body: Record<string, unknown>): string {
  const text = (body['text'] as { body?: string } | undefined)?.body;
  const interactive = (body['interactive'] as { body?: { text?: string } } | undefined)?.body?.text;
  return text ?? interactive ?? '';
}

/** The newest bot message in the sender's transcript. */
async function lastReply(waId: string): Promise<MessageRecord> {
  const conversation = await t().app.store.conversations.findByExternal('whatsapp', waId);
  const reply = (await t().app.store.messages.list(conversation?.id ?? '', { direction: 'outgoing' })).at(-1);
  if (!reply) throw new Error(`no reply to ${waId} in the transcript`);
  return reply;
}

describe('the WhatsApp Cloud webhook handshake', () => {
  it('echoes hub.challenge when the verify token matches', async () => {
    const res = await fetch(`${t().url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=v&hub.challenge=12345`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('12345');
  });

  it('refuses a wrong verify token with 403', async () => {
    const res = await fetch(`${t().url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=12345`);
    expect(res.status).toBe(403);
  });
});

describe('WhatsApp Cloud messages', () => {
  it('greets «السلام عليكم» in Arabic, sent to the sender through the Graph API', async () => {
    const waId = newWaId();
    const body = delivery(waId, [textMessage(waId, 'السلام عليكم')]);
    const ok = await post(body, sign(body));
    expect(ok.status).toBe(200);
    const sent = graph.sentTo(waId);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.map(textOf).join('\n')).toContain('وعليكم السلام');
    const last = sent.at(-1) as { type: string; interactive?: { type: string; action: Record<string, unknown> } };
    expect(last.type).toBe('interactive');
    if (last.interactive?.type === 'list') expect(last.interactive.action['button']).toBe('اختر');
    expect(graph.sent.every((m) => m.phoneNumberId === '1000' && m.authorization === 'Bearer t')).toBe(true);
  });

  it('refuses an unsigned or wrongly signed delivery with 401 and answers nothing', async () => {
    const waId = newWaId();
    const body = delivery(waId, [textMessage(waId, 'hello')]);
    const unsigned = await post(body, null);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: { code: 'BadSignature' } });
    expect((await post(body, sign(body, 'other-secret'))).status).toBe(401);
    expect((await post(body, 'sha256=zz')).status).toBe(401);
    expect(graph.sentTo(waId)).toHaveLength(0);
    expect(await t().app.store.conversations.findByExternal('whatsapp', waId)).toBeNull();
  });

  it('answers the same delivery only once', async () => {
    const waId = newWaId();
    const body = delivery(waId, [textMessage(waId, 'hello')]);
    expect((await post(body, sign(body))).status).toBe(200);
    const first = graph.sentTo(waId).length;
    expect(first).toBeGreaterThan(0);
    expect((await post(body, sign(body))).status).toBe(200);
    expect(graph.sentTo(waId)).toHaveLength(first);
  });

  it('reads a tapped reply button as its title', async () => {
    const waId = newWaId();
    const first = delivery(waId, [textMessage(waId, 'السلام عليكم')]);
    await post(first, sign(first));
    const greeting = graph.sentTo(waId).at(-1) as { interactive?: { action: { buttons?: { reply: { id: string; title: string } }[]; sections?: { rows: { id: string; title: string }[] }[] } } };
    const option = greeting.interactive?.action.buttons?.[0]?.reply ?? greeting.interactive?.action.sections?.[0]?.rows[0];
    expect(option?.id).toBe(option?.title);
    const tap = delivery(waId, [
      { from: waId, id: `wamid.${crypto.randomUUID()}`, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: option?.id, title: option?.title } } },
    ]);
    expect((await post(tap, sign(tap))).status).toBe(200);
    const conversation = await t().app.store.conversations.findByExternal('whatsapp', waId);
    const incoming = await t().app.store.messages.list(conversation?.id ?? '', { direction: 'incoming' });
    expect(incoming.at(-1)?.activity).toMatchObject({ type: 'message', text: option?.title, from: { id: waId, name: 'Sara' } });
  });

  it('accepts a status callback without replying, and ignores one for a message it never sent', async () => {
    const waId = newWaId();
    const body = delivery(waId, [], [{ id: `wamid.unknown-${crypto.randomUUID()}`, status: 'delivered', timestamp: '1700000001', recipient_id: waId }]);
    expect((await post(body, sign(body))).status).toBe(200);
    expect(graph.sentTo(waId)).toHaveLength(0);
    expect(await t().app.store.conversations.findByExternal('whatsapp', waId)).toBeNull();
  });

  it('moves a reply to delivered, then read, by its wamid, and keeps read when a late delivered arrives', async () => {
    const waId = newWaId();
    const hello = delivery(waId, [textMessage(waId, 'السلام عليكم')]);
    await post(hello, sign(hello));
    const reply = await lastReply(waId);
    expect(reply.delivery).toMatchObject({ state: 'sent', platformId: expect.stringMatching(/^wamid\.out-/), error: null });
    const wamid = reply.delivery?.platformId ?? '';

    const report = async (status: Record<string, unknown>) => {
      const body = delivery(waId, [], [{ id: wamid, recipient_id: waId, ...status }]);
      expect((await post(body, sign(body))).status).toBe(200);
      return (await t().app.store.messages.list(reply.conversationId, { afterSeq: reply.seq - 1, limit: 1 }))[0]?.delivery;
    };
    expect(await report({ status: 'delivered', timestamp: '1700000100' })).toEqual({ state: 'delivered', at: new Date(1_700_000_100_000), platformId: wamid, error: null });
    expect(await report({ status: 'read', timestamp: '1700000200' })).toMatchObject({ state: 'read', at: new Date(1_700_000_200_000) });
    expect(await report({ status: 'delivered', timestamp: '1700000150' })).toMatchObject({ state: 'read', at: new Date(1_700_000_200_000) });
    expect(await report({ status: 'failed', timestamp: '1700000300', errors: [{ code: 131026 }] })).toMatchObject({ state: 'read' });
    expect(graph.sentTo(waId).length).toBeGreaterThan(0);
  });

  it('marks a reply WhatsApp could not deliver as failed with its error code', async () => {
    const waId = newWaId();
    const hello = delivery(waId, [textMessage(waId, 'السلام عليكم')]);
    await post(hello, sign(hello));
    const reply = await lastReply(waId);
    const errors = [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } }];
    const body = delivery(waId, [], [{ id: reply.delivery?.platformId, status: 'failed', timestamp: '1700000100', recipient_id: waId, errors }]);
    expect((await post(body, sign(body))).status).toBe(200);
    const [stored] = await t().app.store.messages.list(reply.conversationId, { afterSeq: reply.seq - 1, limit: 1 });
    expect(stored?.delivery).toMatchObject({ state: 'failed', error: 'WHATSAPP 131026', platformId: reply.delivery?.platformId });
  });

  it('keeps a photo in the store, attached to the message', async () => {
    const waId = newWaId();
    const bytes = Buffer.concat([FILES.jpeg, crypto.randomBytes(2048 - FILES.jpeg.length)]);
    graph.addMedia('media-42', bytes, 'image/jpeg');
    const body = delivery(waId, [{ from: waId, id: `wamid.${crypto.randomUUID()}`, type: 'image', image: { id: 'media-42', mime_type: 'image/jpeg', sha256: 'x' } }]);
    expect((await post(body, sign(body))).status).toBe(200);
    const conversation = await t().app.store.conversations.findByExternal('whatsapp', waId);
    const [message] = await t().app.store.messages.list(conversation?.id ?? '', { direction: 'incoming' });
    const attachment = (message?.activity['attachments'] as { contentType: string; contentUrl: string; content: { fileId: string; size: number } }[] | undefined)?.[0];
    expect(attachment).toMatchObject({ contentType: 'image/jpeg', contentUrl: 'whatsapp-media', content: { size: 2048 } });
    const file = await t().app.store.files.get(attachment?.content.fileId ?? '');
    expect(file?.bytes.equals(bytes)).toBe(true);
    expect(file?.meta.conversationId).toBe(conversation?.id);
  });

  it('marks a voice note as unsupported, without text', async () => {
    const waId = newWaId();
    const body = delivery(waId, [{ from: waId, id: `wamid.${crypto.randomUUID()}`, type: 'audio', audio: { id: 'media-audio', mime_type: 'audio/ogg' } }]);
    expect((await post(body, sign(body))).status).toBe(200);
    const conversation = await t().app.store.conversations.findByExternal('whatsapp', waId);
    const [message] = await t().app.store.messages.list(conversation?.id ?? '', { direction: 'incoming' });
    expect(message?.activity).toMatchObject({ text: '', channelData: { unsupported: true } });
  });
});

describe('WhatsApp Cloud files, typed by their bytes', () => {
  function documentMessage(waId: string, document: Record<string, unknown>): Record<string, unknown> {
    return { from: waId, id: `wamid.${crypto.randomUUID()}`, type: 'document', document: { sha256: 'x', ...document } };
  }

  async function deliver(waId: string, message: Record<string, unknown>): Promise<MessageRecord[]> {
    const body = delivery(waId, [message]);
    expect((await post(body, sign(body))).status).toBe(200);
    const conversation = await t().app.store.conversations.findByExternal('whatsapp', waId);
    return t().app.store.messages.list(conversation?.id ?? '', {});
  }

  const repliesOf = (messages: MessageRecord[]) => messages.filter((m) => m.direction === 'outgoing').map((m) => String(m.activity['text'] ?? '')).join('\n');

  it('accepts a PDF sent as «scan.jpg» with image/jpeg, as the PDF it is', async () => {
    const waId = newWaId();
    graph.addMedia('media-pdf-as-jpg', FILES.pdf, 'image/jpeg');
    const messages = await deliver(waId, documentMessage(waId, { id: 'media-pdf-as-jpg', mime_type: 'image/jpeg', filename: 'scan.jpg' }));
    const attachment = (messages[0]?.activity['attachments'] as { contentType: string; name: string; content: { fileId: string } }[] | undefined)?.[0];
    expect(attachment).toMatchObject({ contentType: 'application/pdf', name: 'scan.jpg.pdf' });
    const file = await t().app.store.files.get(attachment?.content.fileId ?? '');
    expect(file?.meta.contentType).toBe('application/pdf');
    expect(file?.bytes.equals(FILES.pdf)).toBe(true);
  });

  it('refuses a program or a web page declared as image/jpeg, says why, and keeps nothing', async () => {
    for (const [id, bytes] of [['media-exe', FILES.exe], ['media-html', FILES.html]] as const) {
      const waId = newWaId();
      graph.addMedia(id, bytes, 'image/jpeg');
      const messages = await deliver(waId, { from: waId, id: `wamid.${crypto.randomUUID()}`, type: 'image', image: { id, mime_type: 'image/jpeg', sha256: 'x', caption: 'هويتي' } });
      const incoming = messages.filter((m) => m.direction === 'incoming');
      expect(incoming).toHaveLength(1);
      expect(incoming[0]?.activity['attachments']).toBeUndefined();
      expect(incoming[0]?.activity).toMatchObject({ text: '', channelData: { unsupported: true, fileRefused: 'file_type' } });
      expect(repliesOf(messages)).toContain(REFUSED_TYPE_AR);
      expect(graph.sentTo(waId).map(textOf).join('\n')).toContain(REFUSED_TYPE_AR);
    }
  });

  it('refuses media the lookup says is over 10 MB without downloading it', async () => {
    const waId = newWaId();
    graph.addMedia('media-huge', FILES.pdf, 'application/pdf', 50 * 1024 * 1024);
    const messages = await deliver(waId, documentMessage(waId, { id: 'media-huge', mime_type: 'application/pdf', filename: 'report.pdf' }));
    expect(graph.downloads).not.toContain('media-huge');
    expect(messages.find((m) => m.direction === 'incoming')?.activity).toMatchObject({ channelData: { fileRefused: 'file_too_large' } });
    expect(repliesOf(messages)).toContain(REFUSED_SIZE_AR);
  });
});
