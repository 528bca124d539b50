import crypto from 'node:crypto';
import type { Activity } from 'botbuilder-core';
import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashSecret } from '../../src/security/cipher.js';
import { MAX_FILE_BYTES, nameForType, sniffFileType } from '../../src/security/file-type.js';
import { retryAfterSeconds, type RateLimiter } from '../../src/security/rate-limit.js';
import type { Store, TokenHolder } from '../../src/store/types.js';
import type { TurnRunner } from '../../src/turn/turn-runner.js';
import { authorize, newToken } from './directline-auth.js';
import type { DirectLineAdapter } from './directline-adapter.js';
import { DirectLineError } from './directline-error.js';

export type DirectLineRouteOptions = {
  store: Store;
  runner: TurnRunner;
  adapter: DirectLineAdapter;
  /** Token lifetime; each use of the conversation slides it forward. Default 30 days. */
  tokenTtlSeconds?: number;
  /** Requests per client address per window (0: no limit); absent: no limit. */
  rateLimit?: { limiter: RateLimiter; perAddress: number; windowMs: number };
};

const MAX_UPLOAD_BYTES = MAX_FILE_BYTES;
/** New conversations per address per window: a page opens one, a script would open thousands. */
const NEW_CONVERSATIONS_PER_WINDOW = 10;

/** What a Direct Line client may post. The sender is always the beneficiary, whatever `from.role` says. */
const activityBody = z.object({
  type: z.string().max(40),
  id: z.string().max(200).optional(),
  text: z.string().max(100_000).optional(),
  locale: z.string().max(20).optional(),
  from: z.object({ id: z.string().min(1).max(200).optional(), name: z.string().max(200).optional() }).passthrough().optional(),
  value: z.unknown().optional(),
  name: z.string().max(200).optional(),
  // Bot Framework Web Chat and our page name each message they send; a resend carries the same name.
  channelData: z.looseObject({ clientActivityID: z.string().min(1).max(100).optional() }).optional(),
});

const ACCEPTED_TYPES = new Set(['message', 'typing', 'event', 'conversationUpdate']);

/** The Direct Line 3.0 subset that Bot Framework Web Chat and our own page speak. */
export async function directLineRoutes(app: FastifyInstance, options: DirectLineRouteOptions): Promise<void> {
  const { store, runner } = options;
  const ttl = options.tokenTtlSeconds ?? 30 * 24 * 3600;

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DirectLineError) return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    throw error;
  });

  if (options.rateLimit && options.rateLimit.perAddress > 0) limitPerAddress(app, options.rateLimit);

  const slide = async (conversation: TokenHolder) =>
    store.conversations.update(conversation.id, { tokenExpiresAt: new Date(Date.now() + ttl * 1000) });

  app.post('/v3/directline/conversations', async (request, reply) => {
    if (request.headers.authorization) {
      const existing = await authorize(store, request.headers.authorization, null);
      await slide(existing);
      return reply.code(200).send({ conversationId: existing.id, token: tokenFrom(request), expires_in: ttl });
    }
    const token = newToken();
    const created = await store.conversations.create({
      channel: options.adapter.channel,
      externalId: crypto.randomBytes(16).toString('base64url'),
      tokenHash: hashSecret(token),
      tokenExpiresAt: new Date(Date.now() + ttl * 1000),
    });
    request.log.info({ event: 'directline.conversation_started', conversationId: created.id }, 'conversation started');
    return reply.code(201).send({ conversationId: created.id, token, expires_in: ttl });
  });

  app.get<{ Params: { id: string } }>('/v3/directline/conversations/:id', async (request) => {
    const conversation = await authorize(store, request.headers.authorization, request.params.id);
    await slide(conversation);
    return { conversationId: conversation.id, token: tokenFrom(request), expires_in: ttl };
  });

  app.post('/v3/directline/tokens/refresh', async (request) => {
    const conversation = await authorize(store, request.headers.authorization, null);
    await slide(conversation);
    return { conversationId: conversation.id, token: tokenFrom(request), expires_in: ttl };
  });

  app.post<{ Params: { id: string } }>('/v3/directline/conversations/:id/activities', async (request, reply) => {
    const conversation = await authorize(store, request.headers.authorization, request.params.id);
    const parsed = activityBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DirectLineError(400, 'BadArgument', `Invalid activity: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim());
    }
    const body = parsed.data;
    if (!ACCEPTED_TYPES.has(body.type)) {
      throw new DirectLineError(400, 'BadArgument', `Unsupported activity type "${body.type}". Send message, typing or event.`);
    }
    if (body.type !== 'message') return reply.code(200).send({ id: crypto.randomUUID() });
    const activity = userActivity(conversation, body, []);
    // While Redis is away: 503 with Retry-After, nothing stored; the page sends it again. A message the
    // page sends again after a lost answer (same clientActivityID) is the one already stored: it gets
    // that message's id and is not answered twice.
    const clientId = body.channelData?.clientActivityID;
    const { message } = await runner.receive(conversation, activity, { refuseWhenUnavailable: true, ...(clientId ? { dedupeKey: `client-${clientId}` } : {}) });
    return reply.code(200).send({ id: String(message.activity.id) });
  });

  // Polled every few seconds by each open chat: keep it out of the info log.
  app.get<{ Params: { id: string }; Querystring: { watermark?: string } }>('/v3/directline/conversations/:id/activities', { logLevel: 'warn' }, async (request) => {
    const conversation = await authorize(store, request.headers.authorization, request.params.id);
    const watermark = Number.parseInt(request.query.watermark ?? '0', 10);
    const after = Number.isFinite(watermark) && watermark > 0 ? watermark : 0;
    const messages = await store.messages.list(conversation.id, { afterSeq: after, limit: 200 });
    const contiguous = untilGap(messages, after);
    const last = contiguous.at(-1)?.seq ?? after;
    // Staff notes stay out of the visitor's chat; the watermark still moves past them.
    const visible = contiguous.filter((m) => !isPrivate(m.activity));
    return { activities: visible.map((m) => m.activity), watermark: String(last) };
  });

  app.post<{ Params: { id: string }; Querystring: { userId?: string } }>('/v3/directline/conversations/:id/upload', async (request, reply) => {
    const conversation = await authorize(store, request.headers.authorization, request.params.id);
    const attachments: NonNullable<Activity['attachments']> = [];
    let text: string | undefined;
    for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 5 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'activity' && typeof part.value === 'string') text = parseUploadActivity(part.value);
        continue;
      }
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new DirectLineError(413, 'TooLarge', 'The file is larger than 10 MB.');
      // The bytes decide, never the name or the declared type: both are whatever the sender says.
      const type = sniffFileType(bytes);
      if (!type) {
        throw new DirectLineError(415, 'UnsupportedMediaType', 'This file is not a PDF or a photo (JPEG, PNG, HEIC, WebP), whatever its name says. Send a PDF or a photo.');
      }
      const name = nameForType(part.filename.slice(0, 190) || 'file', type);
      const stored = await store.files.put({ name, contentType: type, conversationId: conversation.id, bytes });
      attachments.push({
        contentType: stored.contentType,
        name: stored.name,
        contentUrl: `/v3/directline/conversations/${conversation.id}/attachments/${stored.id}`,
        content: { fileId: stored.id, size: stored.size },
      });
    }
    if (attachments.length === 0) throw new DirectLineError(400, 'BadArgument', 'The upload has no file part.');
    const activity = userActivity(conversation, { ...(text ? { text } : {}), from: { id: request.query.userId?.slice(0, 200) } }, attachments);
    const { message } = await runner.receive(conversation, activity);
    return reply.code(200).send({ id: String(message.activity.id) });
  });

  app.get<{ Params: { id: string; fileId: string } }>('/v3/directline/conversations/:id/attachments/:fileId', async (request, reply) => {
    const conversation = await authorize(store, request.headers.authorization, request.params.id);
    const file = await store.files.get(request.params.fileId);
    if (!file || file.meta.conversationId !== conversation.id) throw new DirectLineError(404, 'NotFound', 'No such attachment.');
    return sendFile(reply, file.meta.contentType, file.meta.name, file.bytes);
  });
}

/**
 * Answers 429 with `Retry-After` once an address has sent more than its share in a window, and
 * limits new conversations more tightly. Webhooks are not here: platforms sign and retry them.
 * The address is the socket's, or the proxy's `X-Forwarded-For` with `TRUST_PROXY=true`.
 */
function limitPerAddress(app: FastifyInstance, limits: NonNullable<DirectLineRouteOptions['rateLimit']>): void {
  const { limiter, windowMs } = limits;
  const requests = { limit: limits.perAddress, windowMs };
  const newConversations = { limit: Math.min(NEW_CONVERSATIONS_PER_WINDOW, limits.perAddress), windowMs };
  app.addHook('onRequest', async (request, reply) => {
    let rule = requests;
    let hit = await limiter.hit('directline', request.ip, rule);
    const starts = request.method === 'POST' && request.routeOptions.url === '/v3/directline/conversations' && !request.headers.authorization;
    if (hit.allowed && starts) {
      rule = newConversations;
      hit = await limiter.hit('directline-new', request.ip, rule);
    }
    if (hit.allowed) return;
    const seconds = retryAfterSeconds(hit);
    // Once per address and window: an attack must not flood the log as well.
    if (hit.count === rule.limit + 1) {
      request.log.warn({ event: 'directline.rate_limited', newConversation: rule === newConversations }, 'too many requests from one address');
    }
    return reply
      .code(429)
      .header('retry-after', String(seconds))
      .send({ error: { code: 'TooManyRequests', message: `Too many requests from this address. Please wait ${seconds} seconds and try again.` } });
  });
}

/** How long a hole in the seq numbers may stay before it is taken as a number that was never used. */
const GAP_GRACE_MS = 5000;

/**
 * A store that numbers before it inserts (MongoDB) can briefly show seq N+1 before N exists. Stop at
 * such a gap so the watermark never skips a message — unless the gap is old, which means seq N was
 * burned (a lost dedupe race) and will never come.
 */
function untilGap<T extends { seq: number; createdAt: Date }>(messages: T[], after: number): T[] {
  const out: T[] = [];
  let expected = after + 1;
  for (const m of messages) {
    if (m.seq !== expected && Date.now() - m.createdAt.getTime() < GAP_GRACE_MS) break;
    out.push(m);
    expected = m.seq + 1;
  }
  return out;
}

/** A staff member's private note (`channelData.private`), kept for colleagues only. */
function isPrivate(activity: Record<string, unknown>): boolean {
  const channelData = activity['channelData'];
  return typeof channelData === 'object' && channelData !== null && (channelData as { private?: unknown }).private === true;
}

function tokenFrom(request: FastifyRequest): string {
  return (request.headers.authorization ?? '').replace(/^Bearer\s+/, '').trim();
}

function userActivity(
  conversation: TokenHolder,
  body: { text?: string | undefined; locale?: string | undefined; from?: { id?: string | undefined } | undefined; value?: unknown; id?: string | undefined },
  attachments: NonNullable<Activity['attachments']>,
): Partial<Activity> {
  const userId = body.from?.id ?? `user-${conversation.id}`;
  return {
    type: 'message',
    id: crypto.randomUUID(),
    channelId: conversation.channel,
    serviceUrl: '',
    from: { id: userId, role: 'user', name: '' },
    recipient: { id: 'injab-bot', role: 'bot', name: 'Injab' },
    conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
    text: body.text ?? '',
    ...(body.locale ? { locale: body.locale } : {}),
    ...(body.value !== undefined ? { value: body.value } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}

function parseUploadActivity(raw: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    const text = (parsed as { text?: unknown }).text;
    return typeof text === 'string' ? text.slice(0, 100_000) : undefined;
  } catch {
    throw new DirectLineError(400, 'BadArgument', 'The "activity" part is not valid JSON.');
  }
}

function sendFile(reply: FastifyReply, contentType: string, name: string, bytes: Buffer): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('cache-control', 'private, no-store')
    .send(bytes);
}
