import crypto from 'node:crypto';
import { webhookSecret } from '../../adapters/telegram/telegram-channel.js';

/**
 * Platform webhook deliveries as the platforms send them, for the load generator and the null
 * receiver: WhatsApp Cloud's signed `messages` change and Telegram's update with its secret header.
 */
export const BENCH_WHATSAPP = { token: 'bench-token', phoneNumberId: '1000', appSecret: 'bench-app-secret', verifyToken: 'bench-verify' } as const;
export const BENCH_TELEGRAM = { token: '123456:bench-token', webhookPath: '/webhooks/telegram' } as const;

/** A POST to send: path, headers and the exact body bytes (signatures are over them). */
export type Delivery = { path: string; headers: Record<string, string>; body: string };

/** One text message from `waId`, signed with the app secret (`X-Hub-Signature-256`). */
export function whatsAppDelivery(waId: string, text: string, messageId: string): Delivery {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '966500000000', phone_number_id: BENCH_WHATSAPP.phoneNumberId },
    contacts: [{ profile: { name: 'Bench' }, wa_id: waId }],
    messages: [{ from: waId, id: messageId, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  };
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba-bench', changes: [{ field: 'messages', value }] }] });
  return { path: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsApp(body) }, body };
}

export function signWhatsApp(body: string | Buffer): string {
  return `sha256=${crypto.createHmac('sha256', BENCH_WHATSAPP.appSecret).update(body).digest('hex')}`;
}

/** One text message in a private chat, with the secret token the bot set with setWebhook. */
export function telegramDelivery(chatId: number, text: string, updateId: number): Delivery {
  const update = {
    update_id: updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'Bench', language_code: 'ar' }, text },
  };
  return {
    path: BENCH_TELEGRAM.webhookPath,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': telegramSecret() },
    body: JSON.stringify(update),
  };
}

export function telegramSecret(): string {
  return webhookSecret(BENCH_TELEGRAM.token);
}

/** The bot's environment for both channels, pointed at the doubles. */
export function channelEnv(graphUrl: string, botApiRoot: string): Record<string, string> {
  return {
    WHATSAPP_CLOUD_TOKEN: BENCH_WHATSAPP.token,
    WHATSAPP_PHONE_NUMBER_ID: BENCH_WHATSAPP.phoneNumberId,
    WHATSAPP_APP_SECRET: BENCH_WHATSAPP.appSecret,
    WHATSAPP_VERIFY_TOKEN: BENCH_WHATSAPP.verifyToken,
    WHATSAPP_GRAPH_URL: graphUrl,
    TELEGRAM_BOT_TOKEN: BENCH_TELEGRAM.token,
    TELEGRAM_API_ROOT: botApiRoot,
    // Only its path matters: the bot serves the route there and tells the (double) Bot API the URL.
    TELEGRAM_WEBHOOK_URL: `https://bot.bench.invalid${BENCH_TELEGRAM.webhookPath}`,
  };
}
