import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { DirectLineAdapter } from '../adapters/directline/directline-adapter.js';
import { directLineRoutes } from '../adapters/directline/directline-routes.js';
import { noAnswers, type Answerer } from './bot/answerer.js';
import { ConversationBot } from './bot/conversation-bot.js';
import type { ServiceRegistry } from './bot/services.js';
import { createRequestServices } from './requests/request-services.js';
import { createSurveyServices } from './followups/survey-services.js';
import { createBookingServices } from './services/booking-services.js';
import { dayStart } from './services/booking-calendar.js';
import { createCommunityServices } from './services/community-services.js';
import { createPrivacyServices } from './privacy/privacy-services.js';
import type { CancelQueuedJobs } from './privacy/erase.js';
import { removePendingJobs } from './queues/jobs-of-conversations.js';
import { createChannelOutbound } from './queues/channel-outbound.js';
import { DAY_BEFORE_REMINDER_MS } from './followups/followups.js';
import { createFollowupWorker } from './followups/followup-worker.js';
import { createFollowupsQueue, FollowUps } from './followups/followups.js';
import { holdFor } from './followups/hold.js';
import type { TurnData } from './bot/turn-data.js';
import { KnowledgeBase } from './knowledge/knowledge-base.js';
import { createChannels } from './channels/create-channels.js';
import type { ChannelDependencies, ChannelFactory } from './channels/channel-module.js';
import { ChannelStatusBoard } from './channels/channel-status.js';
import { staffApi } from './staff/staff-api.js';
import { ensureFirstAdmin } from './staff/staff-auth.js';
import { StaffEvents } from './staff/staff-events.js';
import { StaffSessions } from './staff/staff-sessions.js';
import type { ChannelAdapter } from './channels/channel-adapter.js';
import { Vocabulary } from './bot/vocabulary.js';
import { DistressDetector } from './safety/distress.js';
import type { Config } from './config/config.js';
import { loadFlows } from './flows/load-flows.js';
import type { FlowSet } from './flows/schema.js';
import { VALIDATORS } from './flows/validators.js';
import { buildHttpServer } from './http/http-server.js';
import { createI18n, type I18n } from './i18n/i18n.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createOutboundQueue, createOutboundWorker, type OutboundQueue } from './queues/outbound-queue.js';
import { purgeExpiredData } from './privacy/retention.js';
import { createRetentionQueue, createRetentionWorker, scheduleRetention } from './privacy/retention-job.js';
import { ensureRedis, logRedisErrors, openRedis, type RedisEndpoint } from './redis/redis-connection.js';
import { cipherFromConfig } from './security/cipher.js';
import { RateLimiter } from './security/rate-limit.js';
import { createStore } from './store/create-store.js';
import type { PurgeReport, Store } from './store/types.js';
import { RedisTurnLock } from './turn/turn-lock.js';
import { TurnRunner } from './turn/turn-runner.js';
import { TurnSweeper } from './turn/turn-sweeper.js';

/**
 * Which parts run in this process: everything (`npm start`), HTTP only, queue workers only, or
 * neither (the terminal chat, which brings its own channel).
 */
export type AppRole = 'all' | 'web' | 'worker' | 'cli';

/** What tests and tools may replace; everything else comes from the configuration. */
export type AppOverrides = {
  logger?: Logger;
  store?: Store;
  role?: AppRole;
  flowsDir?: string;
  localesDir?: string;
  /** The shipped knowledge folder (default `<project>/knowledge`); staff guides stay under `DATA_DIR/knowledge`. */
  knowledgeDir?: string;
  /** Replaces the knowledge base (tests of everything else). */
  answerer?: Answerer;
  /** Extra flow services, or replacements for the built-in ones. */
  services?: ServiceRegistry;
  /** The bot's clock (epoch ms), for tests of long absences. */
  now?: () => number;
  /** More channels to register with the turn runner (the terminal chat's). */
  adapters?: ChannelAdapter[];
  /** More channel modules, built after the configured ones (tests: WhatsApp Web with a fake client). */
  channels?: ChannelFactory[];
};

export type App = {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly i18n: I18n;
  readonly flows: FlowSet;
  readonly runner: TurnRunner;
  /** Null when an answerer was given instead, or for a worker (which answers nobody). */
  readonly knowledge: KnowledgeBase | null;
  /** Live events for the staff console (shared by all processes through Redis). */
  readonly events: StaffEvents;
  /** Where outbound messages are queued (`enqueueOutbound`): the shared queue and the cipher that seals their words. */
  readonly outbound: OutboundQueue;
  /**
   * Each platform channel's own outbound queue, by channel name: the shared queue's worker moves a
   * channel's messages there, and they are sent from there (web chat messages are not moved).
   */
  readonly channelOutbound: ReadonlyMap<string, Queue>;
  /** Schedules surveys and reminders (delayed jobs on `followupsQueue`). */
  readonly followUps: FollowUps;
  readonly followupsQueue: Queue;
  /**
   * The scheduled purge of expired data (`retention` queue, RETENTION_SCHEDULE): its queue, and a
   * purge run at once in this process (tests, tools). Null in a web-only process, which runs no workers.
   */
  readonly retention: { readonly queue: Queue; runNow(): Promise<PurgeReport> } | null;
  readonly http: FastifyInstance | null;
  /** Starts listening (web) and working (worker); resolves with the base URL when there is one. */
  start(): Promise<string | null>;
  /** Stops accepting, finishes turns in flight, then closes workers, queues, Redis and the store. */
  stop(): Promise<void>;
};

/** The folder holding package.json, flows/, locales/ — found from this file, wherever it was built to. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the application');
    dir = parent;
  }
  return dir;
}

/**
 * The composition root: builds every part from the configuration, in order, and closes them in
 * reverse. Nothing connects at import time; `main.ts` is the only caller with side effects.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const root = projectRoot();
  const role = overrides.role ?? 'all';
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const closeAll = async () => {
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error, event: 'app.close_failed', part: name }, `closing ${name} failed`);
      }
    }
    closers.length = 0;
  };

  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const { cipher, generated } = cipherFromConfig(config);
    if (generated) logger.warn({ event: 'data_key.generated' }, `generated a data key in ${config.dataDir}/data.key; back it up, or set DATA_KEY`);

    const i18n = createI18n(overrides.localesDir ?? path.join(root, 'locales'));
    // Services are named before the flows load (to check them); the follow-ups they tell exist once Redis does.
    const later: { followUps?: FollowUps; events?: StaffEvents; cancelJobs?: CancelQueuedJobs; runner?: TurnRunner } = {};
    const services: ServiceRegistry = {
      ...createRequestServices({
        cipher,
        onSubmitted: async (request) => {
          if (request.conversationId) await later.followUps?.documentsMissing(request.id, request.conversationId);
        },
      }),
      ...createSurveyServices({ onLowRating: async (survey) => later.events?.publish({ type: 'survey.followup_opened', id: survey.id, conversationId: survey.conversationId }) }),
      ...createBookingServices({
        calendar: config.booking,
        ...(overrides.now ? { now: overrides.now } : {}),
        onBooked: async (booking) => {
          await later.followUps?.bookingReminder(booking.id, booking.conversationId, dayStart(booking.day) - DAY_BEFORE_REMINDER_MS);
          await later.events?.publish({ type: 'booking.requested', id: booking.id, conversationId: booking.conversationId });
        },
      }),
      ...createCommunityServices({
        onVolunteer: async (v) => later.events?.publish({ type: 'volunteer.registered', id: v.id, conversationId: v.conversationId }),
        onFeedback: async (f) => later.events?.publish({ type: 'feedback.received', id: f.id, conversationId: f.conversationId }),
      }),
      ...createPrivacyServices({
        i18n,
        flows: () => flows,
        cancelJobs: async (ids) => (await later.cancelJobs?.(ids)) ?? 0,
        exclusive: async (id, work) => (later.runner ? later.runner.exclusive(id, work) : work()),
      }),
      ...overrides.services,
    };
    const flows = loadFlows(overrides.flowsDir ?? path.join(root, 'flows'), {
      i18n,
      services: new Set(Object.keys(services)),
      validators: new Set(Object.keys(VALIDATORS)),
    });

    const store = overrides.store ?? (await createStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, cipher }));
    closers.push({ name: 'store', close: () => store.close() });

    const endpoint: RedisEndpoint = await ensureRedis(config.redisUrl, config.dataDir, logger);
    closers.push({ name: 'private redis', close: () => endpoint.stop() });
    // Requests' connection: refuses at once while Redis is away instead of hanging (see openRedis).
    const redis = await connect(openRedis(endpoint.url, { failFast: true }), closers, logger, 'redis');
    const queueRedis = await connect(openRedis(endpoint.url), closers, logger, 'queue redis');
    const bullPrefix = `${config.redisPrefix}-bull`;
    const now = overrides.now ?? Date.now;
    const followupsQueue = createFollowupsQueue(queueRedis, bullPrefix);
    logRedisErrors(followupsQueue, logger, 'follow-ups queue');
    closers.push({ name: 'follow-ups queue', close: () => followupsQueue.close() });
    const followUps = new FollowUps(followupsQueue, {
      surveyDelayMs: config.surveyDelayMs,
      reminderDelaysMs: config.reminderDelaysMs,
      logger,
      isDraft: (flowId) => flows.get(flowId)?.draft === true,
      now,
    });
    later.followUps = followUps;

    const knowledge = overrides.answerer || role === 'worker' ? null : openKnowledge(config, overrides, root, logger);
    if (knowledge) closers.push({ name: 'knowledge', close: async () => knowledge.close() });
    if (knowledge && role !== 'cli') {
      knowledge.watch();
      const subscriber = await connect(openRedis(endpoint.url), closers, logger, 'knowledge reload subscriber');
      await subscriber.subscribe(knowledgeReloadChannel(config.redisPrefix));
      subscriber.on('message', () => knowledge.reload());
    }

    const staffEvents = new StaffEvents(redis, config.redisPrefix);
    later.events = staffEvents;
    if (role === 'all' || role === 'web') await staffEvents.listen(await connect(openRedis(endpoint.url), closers, logger, 'staff events subscriber'));

    const vocabulary = new Vocabulary(i18n);
    const distressDetector = DistressDetector.fromVocabulary(vocabulary);
    const bot = new ConversationBot({
      flows,
      i18n,
      vocabulary,
      services,
      store,
      answerer: overrides.answerer ?? knowledge ?? noAnswers,
      resumeOfferAfterMs: config.resumeOfferAfterMs,
      staffHours: config.staffHours,
      supportContact: config.supportContact,
      ...(overrides.now ? { now: overrides.now } : {}),
      onHandoff: (handoff) => staffEvents.publish({ type: 'handoff.created', id: handoff.id, conversationId: handoff.conversationId }),
      onHandoffMessage: (handoff) => staffEvents.publish({ type: 'handoff.message', id: handoff.id, conversationId: handoff.conversationId }),
    });
    const lock = new RedisTurnLock(redis, {
      prefix: `${config.redisPrefix}:lock:`,
      onRenewError: (error) => logger.warn({ err: error, event: 'lock.renew_failed' }, 'could not renew a turn lock'),
      onReleaseError: (error) => logger.warn({ err: error, event: 'lock.release_failed' }, 'could not release a turn lock; it expires on its own'),
    });
    const limiter = new RateLimiter(redis, {
      prefix: `${config.redisPrefix}:ratelimit:`,
      onError: (error) => logger.warn({ err: error, event: 'ratelimit.failed' }, 'rate limiter unavailable; letting the request through'),
    });
    const { rateLimits } = config;
    const runner = new TurnRunner({
      store,
      lock,
      bot,
      i18n,
      logger,
      onSaved: (before, after) => followUps.conversationSaved(before, after),
      // The terminal chat is local (a person at the keyboard or a script on stdin), not input from outside.
      // A message showing severe distress is always read, even in the middle of a flood.
      ...(role === 'cli'
        ? {}
        : {
            messageLimit: {
              limiter,
              rule: { limit: rateLimits.messagesPerConversation, windowMs: rateLimits.windowMs },
              exempt: (activity) => typeof activity.text === 'string' && distressDetector.detect(activity.text),
            },
          }),
    });
    later.runner = runner;
    const webchat = new DirectLineAdapter();
    runner.register(webchat);
    for (const adapter of overrides.adapters ?? []) runner.register(adapter);
    const statusBoard = new ChannelStatusBoard(redis, {
      prefix: config.redisPrefix,
      onRefreshError: (error) => logger.warn({ err: error, event: 'channel_status.refresh_failed' }, 'could not refresh the channel states'),
    });
    closers.push({ name: 'channel status board', close: async () => statusBoard.stop() });
    const channelDeps: ChannelDependencies = { config, store, runner, logger, i18n, statusBoard, ...(overrides.now ? { now: overrides.now } : {}) };
    const channels = role === 'cli' ? [] : [...createChannels(channelDeps), ...(overrides.channels ?? []).flatMap((factory) => factory(channelDeps) ?? [])];
    for (const channel of channels) runner.register(channel.adapter);
    const channelNames = channels.map((channel) => channel.adapter.channel);

    const outbound = createOutboundQueue(queueRedis, bullPrefix, cipher);
    logRedisErrors(outbound.queue, logger, 'outbound queue');
    closers.push({ name: 'outbound queue', close: () => outbound.queue.close() });

    const works = role === 'all' || role === 'worker';
    const outboundWorkerDeps = {
      prefix: bullPrefix,
      runner,
      i18n,
      logger,
      cipher,
      onGaveUp: ({ jobId, conversationId }: { jobId: string; conversationId: string }) =>
        staffEvents.publish({ type: 'outbound.failed', id: jobId, conversationId }),
      holdAutomatic: async (turn: TurnData) => (await holdFor(turn, { store, quietHours: config.quietHours, now }))?.untilMs ?? null,
    };
    // Each platform channel's own queue; a web process keeps them too (erasure looks in them), and may
    // become a single-sender channel's sender (it holds the WhatsApp Web session).
    const channelRedis = channels.length > 0 ? await connect(openRedis(endpoint.url), closers, logger, 'channel queues redis') : null;
    const channelOutbound = channelRedis
      ? createChannelOutbound({
          channels,
          store,
          connection: channelRedis,
          prefix: bullPrefix,
          logger,
          work: works,
          createWorker: (queueName, sending) => createOutboundWorker({ ...outboundWorkerDeps, connection: channelRedis, queueName, autorun: false, ...sending }),
        })
      : null;
    if (channelOutbound) closers.push({ name: 'channel outbound queues', close: () => channelOutbound.close() });
    const channelQueues = channelOutbound?.queues ?? new Map<string, Queue>();
    // Erasure removes the erased conversations' surveys, reminders and queued messages before they run,
    // wherever a message waits: in the shared queue, or moved to its channel's.
    later.cancelJobs = async (ids) => {
      let removed = await followUps.cancelConversations(ids);
      for (const queue of [outbound.queue, ...channelQueues.values()]) removed += await removePendingJobs(queue, ids);
      return removed;
    };

    let worker: Worker | null = null;
    let retention: App['retention'] = null;
    if (works) {
      const workerRedis = await connect(openRedis(endpoint.url), closers, logger, 'worker redis');
      // The shared queue's worker: moves each platform channel's messages to that channel's queue (the
      // jobs queued before those queues existed too), and sends the web chat's itself.
      worker = createOutboundWorker({
        ...outboundWorkerDeps,
        connection: workerRedis,
        ...(channelOutbound ? { forward: (job) => channelOutbound.forward(job) } : {}),
      });
      const started = worker;
      closers.push({ name: 'outbound worker', close: () => started.close() });
      const followupRedis = await connect(openRedis(endpoint.url), closers, logger, 'follow-ups worker redis');
      const followupWorker = createFollowupWorker({
        connection: followupRedis,
        prefix: bullPrefix,
        store,
        runner,
        bot,
        flows,
        followUps,
        i18n,
        calendar: config.booking,
        quietHours: config.quietHours,
        concurrency: config.followupConcurrency,
        logger,
        now,
        onSurveySent: (survey) => staffEvents.publish({ type: 'survey.sent', id: survey.id, conversationId: survey.conversationId }),
      });
      closers.push({ name: 'follow-ups worker', close: () => followupWorker.close() });
      // Retention: every worker process registers the one schedule (upsert by id); BullMQ runs each occurrence once.
      const retentionQueue = createRetentionQueue(queueRedis, bullPrefix);
      logRedisErrors(retentionQueue, logger, 'retention queue');
      closers.push({ name: 'retention queue', close: () => retentionQueue.close() });
      await scheduleRetention(retentionQueue, config.retention.schedule);
      const purge = () => purgeExpiredData({ store, limits: config.retention, logger, now });
      const retentionWorker = createRetentionWorker({ connection: await connect(openRedis(endpoint.url), closers, logger, 'retention worker redis'), prefix: bullPrefix, purge, logger });
      closers.push({ name: 'retention worker', close: () => retentionWorker.close() });
      retention = { queue: retentionQueue, runNow: purge };
    }

    let http: FastifyInstance | null = null;
    if (role === 'all' || role === 'web') {
      await ensureFirstAdmin(store, { email: config.adminEmail, password: config.adminPassword }, logger);
      const staffSessions = new StaffSessions(redis, config.redisPrefix, { maxAgeMs: config.staffSecurity.sessionMaxAgeMs, ...(overrides.now ? { now: overrides.now } : {}) });
      http = await buildHttpServer({
        logger,
        publicDir: path.join(root, 'src', 'web', 'public'),
        trustProxy: config.trustProxy,
        webchatFrameAncestors: config.webchatFrameAncestors,
        readiness: { store: () => store.ping(), redis: () => redis.ping() },
        plugins: [
          (app) => directLineRoutes(app, { store, runner, adapter: webchat, rateLimit: { limiter, perAddress: rateLimits.perAddress, windowMs: rateLimits.windowMs } }),
          (app) =>
            staffApi(app, {
              store,
              sessions: staffSessions,
              signInThrottle: { limiter, failures: config.staffSecurity.signInFailuresPerAddress, windowMs: config.staffSecurity.signInWindowMs },
              events: staffEvents,
              outbound,
              followUps,
              i18n,
              calendar: config.booking,
              now,
              channelStatus: { board: statusBoard, channels: channelNames },
            }),
          ...channels.flatMap((channel) => (channel.routes ? [channel.routes] : [])),
        ],
      });
      const server = http;
      // Closes right after http: turns of messages acknowledged before the close still run.
      closers.push({ name: 'turns in flight', close: () => runner.settle() });
      // Registered last, so it closes first: stop accepting and let turns in flight finish.
      closers.push({ name: 'http', close: () => server.close() });
    }

    const sweeper = new TurnSweeper(runner, { logger });

    return {
      config,
      logger,
      store,
      i18n,
      flows,
      runner,
      knowledge,
      events: staffEvents,
      outbound,
      channelOutbound: channelQueues,
      followUps,
      followupsQueue,
      retention,
      http,
      async start() {
        if (!http) return null;
        const address = await http.listen({ port: config.port, host: config.host });
        // Channels that fetch their own updates (Telegram polling) start once the web side is up.
        for (const channel of channels) {
          await channel.start();
          closers.push({ name: `channel ${channel.adapter.channel}`, close: () => channel.stop() });
        }
        closers.push({ name: 'turn sweeper', close: async () => sweeper.stop() });
        sweeper.start();
        return address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
      },
      stop: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The Redis channel on which `npm run kb -- reload` asks every process to read its knowledge again. */
export function knowledgeReloadChannel(redisPrefix: string): string {
  return `${redisPrefix}:knowledge:reload`;
}

function openKnowledge(config: Config, overrides: AppOverrides, root: string, logger: Logger): KnowledgeBase {
  return new KnowledgeBase({ builtinDir: overrides.knowledgeDir ?? path.join(root, 'knowledge'), guideDirs: [path.join(config.dataDir, 'knowledge')] }, logger);
}

async function connect(redis: Redis, closers: { name: string; close: () => Promise<unknown> }[], logger: Logger, name: string): Promise<Redis> {
  logRedisErrors(redis, logger, name);
  await redis.connect();
  closers.push({ name, close: () => redis.quit() });
  return redis;
}
