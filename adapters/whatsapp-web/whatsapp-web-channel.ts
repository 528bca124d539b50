import crypto from 'node:crypto';
import path from 'node:path';
import type { Activity, Attachment } from 'botbuilder-core';
import { Redis } from 'ioredis';
import type { ChannelDependencies, ChannelModule } from '../../src/channels/channel-module.js';
import type { ConversationRecord, StoredFile } from '../../src/store/types.js';
import { checkFile, MAX_FILE_BYTES, refusedFile, type FileRefusal } from '../../src/security/file-type.js';
import { conversationFor, externalIdOf } from '../../src/channels/channel-conversations.js';
import { ChatQueue } from '../../src/channels/chat-queue.js';
import { channelStatusReporter } from '../../src/channels/channel-status.js';
import { WhatsAppWebAdapter } from './whatsapp-web-adapter.js';

const CHANNEL = 'whatsapp-web';
export { MAX_FILE_BYTES };

/** The part of whatsapp-web.js's `Client` the channel uses; a test fake provides the same. */
export interface WhatsAppClientLike {
  // `any`, as in EventEmitter's own signature, so both the real Client and a plain EventEmitter fit.
  on(event: string, listener: (...args: any[]) => void): unknown;
  initialize(): Promise<unknown>;
  destroy(): Promise<unknown>;
  sendMessage(chatId: string, text: string): Promise<unknown>;
}

/** The fields of a whatsapp-web.js `Message` the channel reads. */
export type WhatsAppMessageLike = {
  from: string;
  id: { _serialized: string };
  type: string;
  body?: string;
  hasMedia?: boolean;
  fromMe?: boolean;
  isStatus?: boolean;
  /** The raw message; `size` is a media file's size in bytes, known before it is downloaded. */
  _data?: { notifyName?: string; size?: number };
  downloadMedia?: () => Promise<{ data: string; mimetype: string; filename?: string | null } | undefined | null>;
};

export type WhatsAppWebChannelOptions = {
  createClient?: () => WhatsAppClientLike | Promise<WhatsAppClientLike>;
  /** The session owner lock: lives `ttlMs` without renewal (default 30 s), renewed every `renewMs` (default 10 s). */
  lock?: { ttlMs?: number; renewMs?: number };
  /** Re-initialize delays after a disconnect: `initialMs` doubling up to `maxMs` (default 1 s … 60 s). */
  backoff?: { initialMs?: number; maxMs?: number };
};

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * WhatsApp through a linked WhatsApp Web session, when `WHATSAPP_WEB_ENABLED`. One session can run
 * in one browser only, so exactly one process holds it: the one that owns the Redis key
 * `<prefix>:whatsapp-web:owner`. The others stay on standby (and take over when the key expires).
 * Limitation: replies are sent only by the process running the client; a send from a standby process
 * throws (see the adapter).
 */
export function createWhatsAppWebChannel(deps: ChannelDependencies, options: WhatsAppWebChannelOptions = {}): ChannelModule | null {
  const { config, store, runner, logger } = deps;
  if (!config.whatsappWeb.enabled) return null;
  const log = logger.child({ channel: CHANNEL });
  const ttlMs = options.lock?.ttlMs ?? 30_000;
  const renewMs = options.lock?.renewMs ?? 10_000;
  const initialBackoffMs = options.backoff?.initialMs ?? 1_000;
  const maxBackoffMs = options.backoff?.maxMs ?? 60_000;
  const lockKey = `${config.redisPrefix}:whatsapp-web:owner`;
  const token = crypto.randomBytes(12).toString('hex');
  const createClient = options.createClient ?? (() => defaultClient(config));

  let client: WhatsAppClientLike | null = null;
  let redis: Redis | null = null;
  let renewTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoffMs = initialBackoffMs;
  let stopped = false;
  const chats = new ChatQueue();
  // This process may send once its client is ready, and no longer once the client is dropped.
  let ready = false;
  /** Whether the current client has delivered a message. */
  let delivering = false;
  const senderListeners: ((isSender: boolean) => void)[] = [];
  const setReady = (value: boolean) => {
    if (ready === value) return;
    ready = value;
    for (const listener of senderListeners) listener(value);
  };
  const report = channelStatusReporter(deps.statusBoard, CHANNEL, log);
  // Only "another process holds the session": never written over the owner's own state (or QR).
  const reportStandby = () => report('standby', {}, { fallback: true });

  const adapter = new WhatsAppWebAdapter({
    client: () => client,
    // A client that delivers messages answers them, even before its 'ready' (which starts the queue).
    canAnswer: () => client !== null && (ready || delivering),
    chatIdOf: (conversationId) => externalIdOf(store, CHANNEL, conversationId),
  });

  const conversationOf = (chatId: string): Promise<ConversationRecord> => conversationFor(store, CHANNEL, chatId);

  /**
   * Downloads a photo or document and keeps it only when its bytes are an accepted kind, whatever
   * its `mimetype` or file name says; a size WhatsApp states past `MAX_FILE_BYTES` is refused
   * before downloading. `refusal` is absent when the media could not be fetched at all.
   */
  const keepMedia = async (
    msg: WhatsAppMessageLike,
    download: NonNullable<WhatsAppMessageLike['downloadMedia']>,
    conversationId: string,
  ): Promise<{ ok: true; stored: StoredFile } | { ok: false; refusal?: FileRefusal }> => {
    const size = msg._data?.size;
    if (typeof size === 'number' && size > MAX_FILE_BYTES) return { ok: false, refusal: 'file_too_large' };
    const media = await download();
    if (!media) return { ok: false };
    const bytes = Buffer.from(media.data, 'base64');
    const verdict = checkFile(bytes, media.filename || `${msg.type}-${msg.id._serialized.slice(-12)}`);
    if (!verdict.ok) return verdict;
    return { ok: true, stored: await store.files.put({ name: verdict.name, contentType: verdict.contentType, conversationId, bytes }) };
  };

  const handle = async (msg: WhatsAppMessageLike): Promise<void> => {
    const chatId = msg.from;
    const conversation = await conversationOf(chatId);
    const name = msg._data?.notifyName;
    const base: Partial<Activity> = { type: 'message', channelId: CHANNEL, from: { id: chatId, name: name ?? '' } };
    const receive = (activity: Partial<Activity>) => runner.receive(conversation, { ...base, ...activity }, { dedupeKey: msg.id._serialized });
    const unsupported = { text: '', channelData: { unsupported: true } };
    if (msg.type === 'chat') {
      await receive({ text: msg.body ?? '' });
      return;
    }
    if ((msg.type === 'image' || msg.type === 'document') && msg.hasMedia && msg.downloadMedia) {
      const result = await keepMedia(msg, msg.downloadMedia, conversation.id);
      if (!result.ok) {
        if (result.refusal) log.info({ event: 'whatsapp_web.file_refused', refusal: result.refusal, messageId: msg.id._serialized }, 'a file was refused');
        await receive(result.refusal ? refusedFile(result.refusal) : unsupported);
        return;
      }
      const { stored } = result;
      const attachment: Attachment = {
        contentType: stored.contentType,
        name: stored.name,
        contentUrl: 'whatsapp-web-media',
        content: { fileId: stored.id, size: stored.size },
      };
      await receive({ text: msg.body ?? '', attachments: [attachment] });
      return;
    }
    await receive(unsupported);
  };

  const onMessage = (msg: WhatsAppMessageLike) => {
    delivering = true;
    if (msg.fromMe || msg.isStatus || msg.from.endsWith('@g.us') || msg.from.endsWith('@broadcast')) return;
    void chats.run(msg.from, () => handle(msg)).catch((error: unknown) => {
      log.error({ err: error, event: 'whatsapp_web.message_failed', messageId: msg.id._serialized }, 'a WhatsApp Web message failed');
    });
  };

  const initialize = (target: WhatsAppClientLike) => {
    target.initialize().catch((error: unknown) => {
      log.error({ err: error, event: 'whatsapp_web.initialize_failed' }, 'WhatsApp Web client failed to initialize');
      void report('disconnected', { detail: 'initialize_failed' });
      scheduleReinitialize(target);
    });
  };

  const scheduleReinitialize = (target: WhatsAppClientLike) => {
    if (stopped || client !== target || retryTimer) return;
    const delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    log.info({ event: 'whatsapp_web.reinitialize_scheduled', delayMs: delay }, 'WhatsApp Web client will re-initialize');
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (stopped || client !== target) return;
      void report('connecting', { detail: 'reconnecting' });
      initialize(target);
    }, delay);
    retryTimer.unref();
  };

  const startClient = async () => {
    const created = await createClient();
    if (stopped) return;
    client = created;
    delivering = false;
    created.on('qr', (qr: string) => {
      log.warn({ event: 'whatsapp_web.qr', qr }, 'scan this QR code with WhatsApp to link the session');
      void report('pairing', { qr });
    });
    created.on('authenticated', () => void report('connecting', { detail: 'authenticated' }));
    created.on('auth_failure', () => void report('disconnected', { detail: 'auth_failure' }));
    created.on('ready', () => {
      backoffMs = initialBackoffMs;
      setReady(true);
      log.info({ event: 'whatsapp_web.ready' }, 'WhatsApp Web session ready');
      void report('connected');
    });
    created.on('disconnected', (reason: unknown) => {
      setReady(false);
      log.warn({ event: 'whatsapp_web.disconnected', reason }, 'WhatsApp Web session disconnected');
      void report('disconnected', { detail: reasonCode(reason) });
      scheduleReinitialize(created);
    });
    created.on('message', onMessage);
    // Not awaited: launching the browser and linking may take long; events report the progress.
    void report('connecting');
    initialize(created);
  };

  const dropClient = async () => {
    const current = client;
    client = null;
    setReady(false);
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (current) await current.destroy().catch((error: unknown) => log.warn({ err: error, event: 'whatsapp_web.destroy_failed' }, 'could not close the WhatsApp Web client'));
  };

  /** Takes or renews the owner lock; on standby, tries to take it over. */
  const tick = async () => {
    if (!redis || stopped) return;
    if (client) {
      const extended = await redis.eval(EXTEND, 1, lockKey, token, String(ttlMs));
      if (extended !== 1) {
        log.error({ event: 'whatsapp_web.lock_lost' }, 'lost the WhatsApp Web session lock; closing the client');
        await dropClient();
        await reportStandby();
      }
      return;
    }
    if ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) === 'OK') {
      log.info({ event: 'whatsapp_web.owner' }, 'this process runs the WhatsApp Web session');
      await startClient();
    }
  };

  return {
    adapter,
    sender: {
      isSender: () => ready,
      onChange: (listener) => void senderListeners.push(listener),
    },
    async start() {
      stopped = false;
      redis = new Redis(config.redisUrl, { lazyConnect: true });
      await redis.connect();
      await tick();
      if (!client) {
        log.info({ event: 'whatsapp_web.standby' }, 'another process runs the WhatsApp Web session; standing by');
        await reportStandby();
      }
      renewTimer = setInterval(() => {
        tick().catch((error: unknown) => log.warn({ err: error, event: 'whatsapp_web.lock_failed' }, 'could not renew the WhatsApp Web session lock'));
      }, renewMs);
      renewTimer.unref();
    },
    async stop() {
      stopped = true;
      if (renewTimer) clearInterval(renewTimer);
      renewTimer = null;
      const owned = client !== null;
      await dropClient();
      if (owned) await report('disconnected', { detail: 'stopped' });
      if (redis) {
        if (owned) await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
        await redis.quit().catch(() => undefined);
        redis = null;
      }
    },
  };
}

/** whatsapp-web.js gives a WAState (`NAVIGATION`, `LOGOUT`, `CONFLICT`…); kept as a short code, nothing else. */
function reasonCode(reason: unknown): string {
  const code = typeof reason === 'string' ? reason.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40) : '';
  return code || 'unknown';
}

async function defaultClient(config: ChannelDependencies['config']): Promise<WhatsAppClientLike> {
  // CommonJS; loaded only when the channel starts, so puppeteer is never touched otherwise.
  const { Client, LocalAuth } = (await import('whatsapp-web.js')).default;
  return new Client({
    authStrategy: new LocalAuth({ dataPath: path.join(config.dataDir, 'whatsapp-web') }),
    puppeteer: { executablePath: config.whatsappWeb.chromiumPath, args: ['--no-sandbox', '--disable-gpu'] },
  });
}
