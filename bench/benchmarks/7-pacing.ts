import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { channelQueueName } from '../../src/queues/channel-outbound.js';
import { createOutboundQueue, enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { cipherFromConfig } from '../../src/security/cipher.js';
import { startAppProcess } from '../lib/app-process.js';
import { BotApiDouble } from '../lib/bot-api-double.js';
import { createRecipients } from '../lib/broadcast-recipients.js';
import { GraphApiDouble, type Arrival } from '../lib/graph-api-double.js';
import { openLoop } from '../lib/open-loop.js';
import { profileArgs } from '../lib/profile-args.js';
import { ReplyTracker } from '../lib/reply-tracker.js';
import { nowMs, sleep } from '../lib/stats.js';
import type { Benchmark, Row } from '../lib/types.js';
import { BENCH_TELEGRAM, BENCH_WHATSAPP, channelEnv, telegramDelivery, whatsAppDelivery } from '../lib/webhook-deliveries.js';

/** The platforms' documented limits, enforced by the doubles. */
const LIMITS = { whatsapp: 80, telegram: 30 } as const;
/** Interactive traffic while the broadcast runs: beneficiaries writing, each a sender of their own. */
const INTERACTIVE = { whatsapp: 5, telegram: 2 } as const;
const TEXTS = ['السلام عليكم', 'كم مدة الرد على الطلب؟', 'ما هي الجمعية', 'hello'];
const SURVEY = 'كيف كانت تجربتك مع الجمعية؟ أجب برقم من 1 إلى 5 · How was your experience? Reply 1–5';

type Channel = keyof typeof LIMITS;

/**
 * 7. Pacing. Platform doubles that refuse (429, or WhatsApp's 130429) anything beyond the real
 * limits — Telegram 30 messages/s overall and about 1/s per chat, one WhatsApp number 80/s — while
 * a survey goes to 10,000 beneficiaries (half WhatsApp, half Telegram) through the project's own
 * outbound queue (`enqueueOutbound`, `automatic: true`, one job per conversation; the bot moves each
 * to its channel's queue and sends it from there) and beneficiaries keep writing on both channels.
 * The baseline is the limit itself: the allowed rate, and the time a perfectly paced broadcast
 * would take.
 */
export const benchmark: Benchmark = {
  id: 'pacing',
  order: 7,
  title: 'Pacing: a survey broadcast under the platform limits, with interactive traffic',
  async run(options) {
    const recipients = options.quick ? 1_000 : 10_000;
    const perChannel: Record<Channel, string[]> = {
      whatsapp: Array.from({ length: recipients / 2 }, (_, i) => `9667${String(i).padStart(8, '0')}`),
      telegram: Array.from({ length: recipients / 2 }, (_, i) => String(800_000_000 + i)),
    };
    options.log(`creating ${recipients} conversations`);
    const { dataDir, ids } = await createRecipients(Object.entries(perChannel).map(([channel, externalIds]) => ({ channel, externalIds })));

    const graph = new GraphApiDouble({ token: BENCH_WHATSAPP.token, perNumberLimit: LIMITS.whatsapp });
    const botApi = new BotApiDouble({ token: BENCH_TELEGRAM.token, limits: { overallPerSecond: LIMITS.telegram, perChatPerSecond: 1, perChatBurst: 3 } });
    const graphUrl = await graph.start();
    const botApiRoot = await botApi.start();
    const tracker = new ReplyTracker();
    const broadcastSet: Record<Channel, Set<string>> = { whatsapp: new Set(perChannel.whatsapp), telegram: new Set(perChannel.telegram) };
    const arrivals: Record<Channel, { all: number[]; broadcast: number[] }> = { whatsapp: { all: [], broadcast: [] }, telegram: { all: [], broadcast: [] } };
    const record = (channel: Channel) => (arrival: Arrival) => {
      arrivals[channel].all.push(arrival.at);
      if (broadcastSet[channel].has(arrival.to)) arrivals[channel].broadcast.push(arrival.at);
      else tracker.arrive(channel, arrival);
    };
    graph.onArrival(record('whatsapp'));
    botApi.onArrival(record('telegram'));

    const app = await startAppProcess({
      redisUrl: options.redisUrl,
      dataDir,
      env: { ...channelEnv(graphUrl, botApiRoot), WHATSAPP_TEMPLATE_NAME: 'bench_survey' },
      nodeArgs: profileArgs(),
    });
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    // The bot's own data key (made in the data folder with the recipients), so the bot opens what is sealed here.
    const outbound = createOutboundQueue(redis, `${app.prefix}-bull`, cipherFromConfig({ dataKey: undefined, dataKeysPrevious: [], dataDir }).cipher);
    const channelQueues = (['whatsapp', 'telegram'] as const).map((channel) => new Queue(channelQueueName(channel), { connection: redis, prefix: `${app.prefix}-bull` }));
    try {
      const done = () => arrivals.whatsapp.broadcast.length + arrivals.telegram.broadcast.length >= recipients;
      // Interactive traffic first, so the broadcast starts into a bot that is already busy.
      const rate = INTERACTIVE.whatsapp + INTERACTIVE.telegram;
      const recipient = (i: number) =>
        i % rate < INTERACTIVE.whatsapp ? { channel: 'whatsapp', id: `9668${String(i).padStart(8, '0')}` } : { channel: 'telegram', id: String(900_000_000 + i) };
      const interactive = openLoop({
        url: app.url,
        rate,
        durationMs: 15 * 60_000,
        stopWhen: done,
        make(i) {
          const text = TEXTS[i % TEXTS.length] ?? 'hello';
          const to = recipient(i);
          return to.channel === 'whatsapp' ? whatsAppDelivery(to.id, text, `wamid.pacing-${i}`) : telegramDelivery(Number(to.id), text, i + 1);
        },
        onFire(i, scheduledAt) {
          const to = recipient(i);
          tracker.expect(to.channel, to.id, scheduledAt);
        },
      });
      await sleep(2_000);
      options.log(`broadcasting to ${recipients} conversations`);
      const started = nowMs();
      const order = interleave(ids.get('whatsapp') ?? [], ids.get('telegram') ?? []);
      let next = 0;
      // The project's producer, one job per conversation; a few at a time so queueing is not the bottleneck.
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (next < order.length) {
            const conversationId = order[next] ?? '';
            next += 1;
            await enqueueOutbound(outbound, { conversationId, idempotencyKey: `bench-survey-${conversationId}`, text: SURVEY, automatic: true });
          }
        }),
      );
      const enqueuedMs = nowMs() - started;
      const ideal = Math.max(perChannel.whatsapp.length / LIMITS.whatsapp, perChannel.telegram.length / LIMITS.telegram) * 1000;
      // Ends when every survey landed, or nothing moved for 30 s (a failed job is not sent again soon).
      let seen = 0;
      let movedAt = nowMs();
      while (!done() && nowMs() - movedAt < 30_000 && nowMs() - started < ideal * 4 + 60_000) {
        await sleep(200);
        const now = arrivals.whatsapp.broadcast.length + arrivals.telegram.broadcast.length;
        if (now !== seen) [seen, movedAt] = [now, nowMs()];
      }
      const finishedAt = Math.max(arrivals.whatsapp.broadcast.at(-1) ?? 0, arrivals.telegram.broadcast.at(-1) ?? 0);
      const load = await (async () => {
        const result = await interactive;
        await tracker.settle(5_000, 20_000);
        return result;
      })();
      const states = ['completed', 'failed', 'delayed', 'waiting', 'active'] as const;
      const counts = await Promise.all([outbound.queue, ...channelQueues].map(async (queue) => ({ name: queue.name, counts: await queue.getJobCounts(...states) })));

      const rows: Row[] = (['whatsapp', 'telegram'] as const).map((channel) => {
        const { all, broadcast } = arrivals[channel];
        const first = broadcast[0] ?? 0;
        const last = broadcast.at(-1) ?? 0;
        const inWindow = all.filter((t) => t >= first && t <= last).length;
        const achieved = last > first ? ((inWindow - 1) * 1000) / (last - first) : 0;
        const refused = channel === 'whatsapp' ? graph.refused : botApi.refused;
        return {
          label: `${channel} (limit ${LIMITS[channel]}/s)`,
          figures: [
            { name: 'refused (429)', value: refused },
            { name: 'send rate', value: achieved, baseline: LIMITS[channel], unit: 'msg/s' },
            { name: 'surveys sent', value: broadcast.length, baseline: perChannel[channel].length },
            { name: 'survey time', value: (last - started) / 1000, baseline: perChannel[channel].length / LIMITS[channel], unit: 's' },
            { name: 'reply p99', value: tracker.byChannel.get(channel)?.percentile(0.99) ?? 0, unit: 'ms' },
            { name: 'peak in 1 s', value: channel === 'whatsapp' ? graph.peakPerSecond() : botApi.peakPerSecond(), baseline: LIMITS[channel] },
          ],
        };
      });
      const total = (finishedAt - started) / 1000;
      rows.push({
        label: 'broadcast + interactive',
        figures: [
          { name: 'broadcast time', value: total, baseline: ideal / 1000, unit: 's' },
          { name: 'interactive reply p50', value: tracker.all.percentile(0.5), unit: 'ms' },
          { name: 'interactive reply p99', value: tracker.all.percentile(0.99), unit: 'ms' },
          { name: 'interactive replied', value: (100 * tracker.received) / Math.max(1, tracker.expected), unit: '%' },
          { name: 'ack p99', value: load.acks.percentile(0.99), unit: 'ms' },
        ],
      });
      const refusedTotal = graph.refused + botApi.refused;
      const usage = (['whatsapp', 'telegram'] as const).map((channel) => {
        const figure = rows.find((r) => r.label.startsWith(channel))?.figures.find((f) => f.name === 'send rate');
        return { channel, share: (figure?.value ?? 0) / LIMITS[channel] };
      });
      return {
        rows,
        targets: [
          { description: 'no 429 from the platforms', met: refusedTotal === 0, detail: `WhatsApp ${graph.refused}, Telegram ${botApi.refused} (${botApi.refusedPerChat} of them per chat)` },
          {
            description: '≥ 90% of the allowed rate used while the broadcast runs',
            met: usage.every((u) => u.share >= 0.9),
            detail: usage.map((u) => `${u.channel} ${Math.round(u.share * 100)}%`).join(', '),
          },
          {
            description: 'interactive reply p99 ≤ 1 s during the broadcast',
            met: tracker.all.percentile(0.99) <= 1000 && tracker.received === tracker.expected,
            detail: `p99 ${Math.round(tracker.all.percentile(0.99))} ms, ${tracker.received}/${tracker.expected} replied`,
          },
        ],
        notes: [
          `${recipients} recipients, half WhatsApp (template: the 24-hour window is closed for them), half Telegram, queued alternately through enqueueOutbound (automatic: true) in ${Math.round(enqueuedMs)} ms`,
          `interactive: ${INTERACTIVE.whatsapp} WhatsApp + ${INTERACTIVE.telegram} Telegram messages/s through the webhooks (open loop, each from a new sender), from 2 s before the broadcast until it ends; ${load.sent} sent`,
          'send rate: every message the double accepted on that channel (surveys and replies) between its first and last survey, against the platform limit; survey time from the first enqueue',
          'baseline broadcast time: a perfectly paced broadcast, max(WhatsApp recipients / 80, Telegram recipients / 30); per channel: its recipients / its limit',
          'the doubles refuse as the platforms do: Telegram HTTP 429 with retry_after 1; WhatsApp HTTP 400 with error 130429; limits counted over any sliding one-second window, per chat as 1/s with bursts of 3',
          `outbound jobs at the end: ${counts.map(({ name, counts: c }) => `${name}: ${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')}`).join('; ')} (the shared queue's jobs complete once moved to their channel's)`,
          ...(options.quick ? ['--quick: 1,000 recipients; the full run sends 10,000'] : []),
        ],
      };
    } finally {
      await Promise.all([outbound.queue, ...channelQueues].map((queue) => queue.close()));
      redis.disconnect();
      await app.stop();
      await graph.stop();
      await botApi.stop();
    }
  },
};

function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (i < a.length) out.push(a[i] as T);
    if (i < b.length) out.push(b[i] as T);
  }
  return out;
}
