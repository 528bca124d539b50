import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { useTestApp, type TestApp } from '../helpers/test-app.js';
import { GraphDouble } from './whatsapp-cloud-graph-double.js';

const DAY = 24 * 3600 * 1000;
const graph = new GraphDouble();
const base: Record<string, string> = {
  WHATSAPP_CLOUD_TOKEN: 't',
  WHATSAPP_PHONE_NUMBER_ID: '1000',
  WHATSAPP_APP_SECRET: 's3cret',
  WHATSAPP_VERIFY_TOKEN: 'v',
};
const withTemplate: Record<string, string> = { ...base, WHATSAPP_TEMPLATE_NAME: 'injab_update', WHATSAPP_TEMPLATE_LANGUAGES: 'ar=ar,en=en_US' };
const withoutTemplate: Record<string, string> = { ...base };
beforeAll(async () => {
  const url = await graph.start();
  withTemplate['WHATSAPP_GRAPH_URL'] = url;
  withoutTemplate['WHATSAPP_GRAPH_URL'] = url;
});
afterAll(() => graph.stop());

/** Both apps read this clock; a test moves it past the 24-hour window. */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const templated = useTestApp({ env: withTemplate, now });
const untemplated = useTestApp({ env: withoutTemplate, now });

let counter = 0;
function newWaId(): string {
  counter += 1;
  return `9665${String(Date.now()).slice(-6)}${String(counter).padStart(2, '0')}`;
}

/** The beneficiary writes (through the signed webhook); returns their conversation id. */
async function beneficiaryWrites(t: TestApp, waId: string, text: string): Promise<string> {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '966500000000', phone_number_id: '1000' },
    contacts: [{ profile: { name: 'Sara' }, wa_id: waId }],
    messages: [{ from: waId, id: `wamid.${crypto.randomUUID()}`, timestamp: '1700000000', type: 'text', text: { body: text } }],
  };
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba-1', changes: [{ field: 'messages', value }] }] });
  const signature = `sha256=${crypto.createHmac('sha256', 's3cret').update(body).digest('hex')}`;
  const res = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  expect(res.status).toBe(200);
  await t.app.runner.settle();
  const conversation = await t.app.store.conversations.findByExternal('whatsapp', waId);
  if (!conversation) throw new Error('no conversation');
  return conversation.id;
}

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const value = read();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('messages outside WhatsApp\'s 24-hour window', () => {
  it('sends a staff reply as plain text while the beneficiary wrote within the day', async () => {
    offsetMs = 0;
    const waId = newWaId();
    const conversationId = await beneficiaryWrites(templated(), waId, 'السلام عليكم');
    const before = graph.sentTo(waId).length;
    await enqueueOutbound(templated().app.outbound, { conversationId, idempotencyKey: `in-window-${waId}`, text: 'أهلًا، معك الباحثة الاجتماعية' });
    const sent = await until(() => graph.sentTo(waId).slice(before).find((m) => m['type'] === 'text'), 'the text reply');
    expect((sent['text'] as { body: string }).body).toBe('أهلًا، معك الباحثة الاجتماعية');
  });

  it('sends the configured template, in the beneficiary\'s language, once a day has passed', async () => {
    offsetMs = 0;
    const waId = newWaId();
    const conversationId = await beneficiaryWrites(templated(), waId, 'السلام عليكم');
    graph.closedWindows.add(waId);
    offsetMs = DAY + 60_000;
    try {
      await enqueueOutbound(templated().app.outbound, {
        conversationId,
        idempotencyKey: `late-${waId}`,
        text: 'تم تحديث حالة طلبك.\nللتفاصيل اكتب «حالة طلبي».',
      });
      const sent = await until(() => graph.sentTo(waId).find((m) => m['type'] === 'template'), 'the template');
      const template = sent['template'] as { name: string; language: { code: string }; components: { parameters: { text: string }[] }[] };
      expect(template.name).toBe('injab_update');
      expect(template.language.code).toBe('ar');
      // Template parameters may not contain new lines.
      expect(template.components[0]?.parameters[0]?.text).toBe('تم تحديث حالة طلبك. · للتفاصيل اكتب «حالة طلبي».');
    } finally {
      offsetMs = 0;
    }
  });

  it('fails at once, without retries, when no template is configured, and tells the staff console', async () => {
    offsetMs = 0;
    const waId = newWaId();
    const conversationId = await beneficiaryWrites(untemplated(), waId, 'hello');
    graph.closedWindows.add(waId);
    const failed: string[] = [];
    const stop = untemplated().app.events.subscribe((event) => {
      if (event.type === 'outbound.failed') failed.push(event.conversationId ?? '');
    });
    offsetMs = 2 * DAY;
    try {
      const before = graph.sentTo(waId).length;
      const job = await enqueueOutbound(untemplated().app.outbound, { conversationId, idempotencyKey: `closed-${waId}`, text: 'Your request was updated.' });
      await until(() => (failed.includes(conversationId) ? true : undefined), 'the failure notice');
      // The shared queue moved it to the WhatsApp queue, where it was sent and failed.
      const state = await untemplated().app.channelOutbound.get('whatsapp')?.getJob(String(job.id));
      expect(state?.attemptsMade).toBe(1);
      expect(graph.sentTo(waId).length).toBe(before);
    } finally {
      stop();
      offsetMs = 0;
    }
  });
});
