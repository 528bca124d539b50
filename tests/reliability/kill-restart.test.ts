import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearPrefix, startAppProcess, type AppProcess } from '../../bench/lib/app-process.js';
import { GraphDouble } from '../adapters/whatsapp-cloud-graph-double.js';
import { REDIS_URL, removeDir, tempDir } from '../helpers/test-app.js';
import { pendingSendsAt, transcriptReplies } from './support/in-flight.js';
import { TelegramOffsetDouble } from './support/telegram-offset-double.js';
import { HELP, postWebChat, postWhatsApp, sendUntil, waitFor, WHATSAPP_ENV } from './support/traffic.js';

/**
 * `kill -9` while messages arrive on every channel at once, then a restart on the same data folder
 * and Redis prefix. The bot runs as its own process (as in production); the platforms are doubles in
 * this process that count what the bot sends. Every message gets the help command, which the bot
 * answers with exactly one message in any state, so "answered exactly once" is countable at the
 * platform: per sender, replies = messages.
 */
const TOKEN = '123456:reliability';
const SENDERS = 6;
/** Telegram allows a bot 30 messages/s and 1/s per chat (bursts of 3), and the bot keeps to it: many chats, few messages each. */
const TELEGRAM_CHATS = 20;
const TELEGRAM_EVERY_MS = 50;
const graph = new GraphDouble();
const telegram = new TelegramOffsetDouble(TOKEN);
const dataDir = tempDir('kill');
const prefix = `test-kill-${crypto.randomBytes(4).toString('hex')}`;
let env: Record<string, string> = {};
let app: AppProcess | undefined;

type WebSender = { conversationId: string; token: string; acked: string[]; failed: number };
type WhatsAppSender = { waId: string; acked: string[]; unacked: string[] };
const web: WebSender[] = [];
const whatsapp: WhatsAppSender[] = Array.from({ length: SENDERS }, (_, i) => ({ waId: `96655${String(i).padStart(7, '0')}`, acked: [], unacked: [] }));
const telegramChats = Array.from({ length: TELEGRAM_CHATS }, (_, i) => 700_000 + i);
const telegramPushed = new Map<number, number>(telegramChats.map((chat) => [chat, 0]));
let confirmedBeforeKill = new Set<number>();
/** Per `channel:address`, replies that were in flight (recorded `pending`) when the process died. */
let inFlight = new Map<string, number>();

function start(): Promise<AppProcess> {
  return startAppProcess({ redisUrl: REDIS_URL, env, dataDir, prefix, readyTimeoutMs: 150_000 });
}

/** Replies the WhatsApp double got for one number (messages only, not read receipts). */
function whatsAppReplies(waId: string): number {
  return graph.sentTo(waId).filter((body) => body['type'] === 'text' || body['type'] === 'interactive').length;
}

/** The web chat transcript through Direct Line, every page from watermark 0. */
async function transcript(url: string, sender: WebSender): Promise<{ id: string; replyToId?: string; from: { role?: string } }[]> {
  const all: { id: string; replyToId?: string; from: { role?: string } }[] = [];
  let watermark = '0';
  for (;;) {
    const res = await fetch(`${url}/v3/directline/conversations/${sender.conversationId}/activities?watermark=${watermark}`, { headers: { authorization: `Bearer ${sender.token}` } });
    const body = (await res.json()) as { activities: { id: string; replyToId?: string; from: { role?: string } }[]; watermark: string };
    if (body.activities.length === 0) return all;
    all.push(...body.activities);
    watermark = body.watermark;
  }
}

beforeAll(async () => {
  env = { ...WHATSAPP_ENV, WHATSAPP_GRAPH_URL: await graph.start(), TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: await telegram.start() };
  app = await start();
  const first = app;
  for (let i = 0; i < SENDERS; i += 1) {
    const res = await fetch(`${first.url}/v3/directline/conversations`, { method: 'POST' });
    const body = (await res.json()) as { conversationId: string; token: string };
    web.push({ conversationId: body.conversationId, token: body.token, acked: [], failed: 0 });
  }

  // A first message from everyone, so the kill falls among ordinary turns, not first-time set-up.
  await Promise.all([
    ...web.map(async (sender) => {
      const id = await postWebChat(first.url, sender.conversationId, sender.token);
      if (id) sender.acked.push(id);
    }),
    ...whatsapp.map(async (sender) => {
      const wamid = `wamid.${crypto.randomUUID()}`;
      (await postWhatsApp(first.url, sender.waId, wamid) ? sender.acked : sender.unacked).push(wamid);
    }),
  ]);
  for (const chat of telegramChats) {
    telegram.pushText(chat, HELP);
    telegramPushed.set(chat, 1);
  }
  await waitFor(() => telegramChats.every((chat) => telegram.sentTo(chat).length >= 1), 20_000);

  // Traffic on all three channels; the kill comes at a random moment in the middle of it.
  let killed = false;
  const stopped = () => killed;
  const webLoops = web.map((sender) =>
    sendUntil(stopped, async () => {
      const id = await postWebChat(first.url, sender.conversationId, sender.token);
      if (id) sender.acked.push(id);
      else sender.failed += 1;
      return id !== null;
    }),
  );
  const whatsAppLoops = whatsapp.map((sender) =>
    sendUntil(stopped, async () => {
      const wamid = `wamid.${crypto.randomUUID()}`;
      const ok = await postWhatsApp(first.url, sender.waId, wamid);
      (ok ? sender.acked : sender.unacked).push(wamid);
      return ok;
    }),
  );
  const telegramLoop = (async () => {
    for (let round = 0; !killed; round += 1) {
      const chat = telegramChats[round % telegramChats.length] ?? 0;
      telegram.pushText(chat, HELP);
      telegramPushed.set(chat, (telegramPushed.get(chat) ?? 0) + 1);
      await sleep(TELEGRAM_EVERY_MS);
    }
  })();
  await sleep(1000 + Math.floor(Math.random() * 1500));
  await first.kill();
  killed = true;
  confirmedBeforeKill = new Set(telegram.confirmed);
  await Promise.all([...webLoops, ...whatsAppLoops, telegramLoop]);
  inFlight = await pendingSendsAt(dataDir, [
    ...whatsapp.map((sender) => ({ channel: 'whatsapp', externalId: sender.waId })),
    ...telegramChats.map((chat) => ({ channel: 'telegram', externalId: String(chat) })),
  ]);

  // The same bot again: same data folder, same Redis prefix. Meta retries what was not acknowledged.
  app = await start();
  const second = app;
  for (const sender of whatsapp) {
    for (const wamid of sender.unacked) {
      const ok = await waitFor(() => postWhatsApp(second.url, sender.waId, wamid), 60_000);
      if (!ok) throw new Error(`the retried delivery ${wamid} was never acknowledged:\n${second.output()}`);
    }
  }
  // One more message per web chat, which also drains anything the crash left unanswered.
  for (const sender of web) {
    const id = await postWebChat(second.url, sender.conversationId, sender.token);
    if (!id) throw new Error(`web chat after the restart failed:\n${second.output()}`);
    sender.acked.push(id);
  }
  const updates = [...telegramPushed.values()].reduce((a, b) => a + b, 0);
  // Webhooks are acknowledged once stored and answered after: wait for every answer, as a sender would.
  await waitFor(
    () =>
      telegram.confirmed.size >= updates &&
      telegramChats.every((chat) => telegram.sentTo(chat).length >= (telegramPushed.get(chat) ?? 0)) &&
      whatsapp.every((sender) => whatsAppReplies(sender.waId) >= sender.acked.length + sender.unacked.length),
    60_000,
  );
  // Anything sent twice would arrive about now; give it a moment before counting.
  await sleep(500);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  console.log(
    `kill -9 after: web chat ${sum(web.map((s) => s.acked.length))} acknowledged, ${sum(web.map((s) => s.failed))} cut off; ` +
      `WhatsApp ${sum(whatsapp.map((s) => s.acked.length))} acknowledged, ${sum(whatsapp.map((s) => s.unacked.length))} delivered again; ` +
      `Telegram ${sum([...telegramPushed.values()])} updates, ${confirmedBeforeKill.size} confirmed before the kill; ` +
      `${sum([...inFlight.values()])} platform sends in flight at the kill, ` +
      `${sum(whatsapp.map((s) => whatsAppReplies(s.waId) - s.acked.length - s.unacked.length)) + sum(telegramChats.map((c) => telegram.sentTo(c).length - (telegramPushed.get(c) ?? 0)))} sent twice`,
  );
}, 300_000);

afterAll(async () => {
  await app?.stop({ keep: true });
  await Promise.all([graph.stop(), telegram.stop()]);
  await clearPrefix(REDIS_URL, prefix);
  removeDir(dataDir);
});

describe('kill -9 while messages arrive, then a restart', () => {
  it('answers every web chat message exactly once, and every acknowledged one', async () => {
    const url = app?.url ?? '';
    let messages = 0;
    for (const sender of web) {
      const activities = await transcript(url, sender);
      const incoming = activities.filter((a) => a.from.role === 'user').map((a) => a.id);
      const repliesTo = new Map<string, number>();
      for (const reply of activities.filter((a) => a.from.role === 'bot')) repliesTo.set(reply.replyToId ?? '', (repliesTo.get(reply.replyToId ?? '') ?? 0) + 1);
      // Acknowledged messages are all in the transcript; what the crash interrupted may be there too.
      expect(incoming).toEqual(expect.arrayContaining(sender.acked));
      expect(incoming.map((id) => [id, repliesTo.get(id) ?? 0])).toEqual(incoming.map((id) => [id, 1]));
      expect([...repliesTo.keys()].filter((id) => !incoming.includes(id))).toEqual([]);
      messages += incoming.length;
    }
    expect(messages).toBeGreaterThan(SENDERS * 2);
  });

  it('answers every WhatsApp message, acknowledged or delivered again; twice only a reply that was in flight at the kill', async () => {
    // One message at a time per sender: only the one not acknowledged can have had a send in flight.
    const counts = whatsapp.map((sender) => {
      const sent = sender.acked.length + sender.unacked.length;
      return { waId: sender.waId, sent, extra: whatsAppReplies(sender.waId) - sent, inFlight: inFlight.get(`whatsapp:${sender.waId}`) ?? 0 };
    });
    const transcripts = await transcriptReplies(dataDir, whatsapp.map((sender) => ({ channel: 'whatsapp', externalId: sender.waId })));
    for (const count of counts) {
      const transcript = transcripts.get(`whatsapp:${count.waId}`);
      expect(transcript?.repliesPerMessage, `${count.waId}: replies per message in the transcript`).toEqual(Array.from({ length: count.sent }, () => 1));
      expect(transcript?.pending, `${count.waId}: sends left pending`).toBe(0);
      expect(count.extra, `${count.waId}: ${count.sent} messages`).toBeGreaterThanOrEqual(0);
      expect(count.extra, `${count.waId}: duplicates beyond the sends in flight`).toBeLessThanOrEqual(count.inFlight);
    }
    expect(whatsapp.reduce((n, s) => n + s.acked.length, 0)).toBeGreaterThanOrEqual(SENDERS);
  });

  it('answers every Telegram update, confirmed before the kill or delivered again; twice only a reply in flight at the kill', async () => {
    const transcripts = await transcriptReplies(dataDir, telegramChats.map((chat) => ({ channel: 'telegram', externalId: String(chat) })));
    for (const chat of telegramChats) {
      const pushed = telegramPushed.get(chat) ?? 0;
      const transcript = transcripts.get(`telegram:${chat}`);
      expect(transcript?.repliesPerMessage, `chat ${chat}: replies per update in the transcript`).toEqual(Array.from({ length: pushed }, () => 1));
      expect(transcript?.pending, `chat ${chat}: sends left pending`).toBe(0);
      const extra = telegram.sentTo(chat).length - pushed;
      expect(extra, `chat ${chat}: ${pushed} updates`).toBeGreaterThanOrEqual(0);
      expect(extra, `chat ${chat}: duplicates beyond the sends in flight`).toBeLessThanOrEqual(inFlight.get(`telegram:${chat}`) ?? 0);
    }
    expect(telegram.confirmed.size, 'every update confirmed in the end').toBe([...telegramPushed.values()].reduce((a, b) => a + b, 0));
    expect(confirmedBeforeKill.size).toBeGreaterThanOrEqual(SENDERS);
  });
});
