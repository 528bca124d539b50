import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Senders for the reliability tests: each talks to the bot the way its platform does and remembers
 * which of its messages were acknowledged. They send one message at a time per sender (a person
 * waits for the answer), many senders at once.
 */

/** A message the bot answers with exactly one reply in any state (the global help command). */
export const HELP = 'مساعدة';

export type Sent = { id: string; acked: boolean };

export const WHATSAPP_ENV = {
  WHATSAPP_CLOUD_TOKEN: 't',
  WHATSAPP_PHONE_NUMBER_ID: '1000',
  WHATSAPP_APP_SECRET: 's3cret',
  WHATSAPP_VERIFY_TOKEN: 'v',
} as const;

/** A signed WhatsApp Cloud webhook delivery of one text message, as Meta posts it. */
export function whatsAppDelivery(waId: string, wamid: string, text: string): { body: string; signature: string } {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '966500000000', phone_number_id: WHATSAPP_ENV.WHATSAPP_PHONE_NUMBER_ID },
    contacts: [{ profile: { name: 'Sara' }, wa_id: waId }],
    messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  };
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba-1', changes: [{ field: 'messages', value }] }] });
  const signature = `sha256=${crypto.createHmac('sha256', WHATSAPP_ENV.WHATSAPP_APP_SECRET).update(body).digest('hex')}`;
  return { body, signature };
}

/** Posts a delivery; true when the bot answered 200 (Meta's acknowledgement). */
export async function postWhatsApp(baseUrl: string, waId: string, wamid: string, text = HELP): Promise<boolean> {
  const { body, signature } = whatsAppDelivery(waId, wamid, text);
  try {
    const res = await fetch(`${baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Posts a web chat message; its activity id when the bot answered 200, else null. */
export async function postWebChat(baseUrl: string, conversationId: string, token: string, text = HELP): Promise<string | null> {
  try {
    const res = await fetch(`${baseUrl}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'message', text, from: { id: 'visitor' } }),
    });
    if (res.status !== 200) {
      await res.arrayBuffer();
      return null;
    }
    return ((await res.json()) as { id: string }).id;
  } catch {
    return null;
  }
}

/** Runs `step` for one sender again and again until `stopped()` or the first failure. */
export async function sendUntil(stopped: () => boolean, step: () => Promise<boolean>): Promise<void> {
  while (!stopped()) {
    if (!(await step())) return;
  }
}

/** Waits until `done()` holds, checking every 50 ms; false when `ms` pass first. */
export async function waitFor(done: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return true;
    await sleep(50);
  }
  return done();
}
