import { conversationFor } from '../../src/channels/channel-conversations.js';
import type { Attachment } from 'botbuilder-core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../src/logging/logger.js';
import type { ConversationRecord, DeliveryState, Store } from '../../src/store/types.js';
import type { TurnRunner } from '../../src/turn/turn-runner.js';
import type { GraphClient } from './graph-client.js';
import { mediaOf, toActivity } from './to-activity.js';
import { webhookSchema, type InboundMessage, type WebhookValue } from './webhook-schema.js';
import { isValidSignature } from './webhook-signature.js';
import { WhatsAppGraphError } from './whatsapp-graph-error.js';
import { checkFile, type FileRefusal } from '../../src/security/file-type.js';

export type WhatsAppCloudRouteOptions = {
  store: Store;
  runner: TurnRunner;
  graph: GraphClient;
  logger: Logger;
  channel: string;
  appSecret: string;
  verifyToken: string;
};

/**
 * Meta's webhook: the subscription handshake (GET) and deliveries (POST). A delivery is answered 200
 * only after each of its messages is in the transcript (and, for now, its turn has run), so a crash
 * before that makes Meta deliver again; the message id drops the repeat.
 */
export async function whatsAppCloudRoutes(app: FastifyInstance, options: WhatsAppCloudRouteOptions): Promise<void> {
  // Only in this plugin's scope: keep the raw bytes, which the signature is computed over.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get<{ Querystring: Record<string, string | undefined> }>('/webhooks/whatsapp', async (request, reply) => {
    const q = request.query;
    if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === options.verifyToken && q['hub.challenge'] !== undefined) {
      return reply.code(200).type('text/plain').send(q['hub.challenge']);
    }
    return fail(reply, 403, 'Forbidden', 'The verify token does not match.');
  });

  app.post('/webhooks/whatsapp', async (request, reply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || !isValidSignature(options.appSecret, raw, request.headers['x-hub-signature-256'])) {
      request.log.warn({ event: 'whatsapp.bad_signature' }, 'webhook delivery with a missing or wrong signature');
      return fail(reply, 401, 'BadSignature', 'X-Hub-Signature-256 is missing or does not match the body.');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(reply, 400, 'BadArgument', 'The request body is not valid JSON.');
    }
    const parsed = webhookSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(reply, 400, 'BadArgument', `Invalid webhook body: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim());
    }
    for (const entry of parsed.data.entry) {
      for (const change of entry.changes) await handleValue(change.value, options);
    }
    return reply.code(200).send({ ok: true });
  });
}

async function handleValue(value: WebhookValue, options: WhatsAppCloudRouteOptions): Promise<void> {
  for (const status of value.statuses ?? []) {
    // Ids and the status only: the recipient's number is personal data.
    options.logger.info({ event: 'whatsapp.status', wamid: status.id, status: status.status }, 'whatsapp delivery status');
    await recordStatus(status, options);
  }
  for (const message of value.messages ?? []) {
    const name = value.contacts?.find((c) => c.wa_id === message.from)?.profile?.name ?? value.contacts?.[0]?.profile?.name;
    await receiveMessage(message, name, options);
  }
}

async function receiveMessage(message: InboundMessage, senderName: string | undefined, options: WhatsAppCloudRouteOptions): Promise<void> {
  const { store, runner } = options;
  const conversation = await conversationFor(store, options.channel, message.from);
  const { attachments, refusal } = await downloadMedia(message, conversation, options);
  const activity = toActivity(conversation, message, senderName, attachments, refusal);
  // While Redis is away: 503, nothing stored; Meta delivers it again. Acknowledged once stored: the
  // turn runs after the answer to Meta (a crash in between is answered by the turn sweeper).
  const { duplicate } = await runner.receive(conversation, activity, { dedupeKey: message.id, refuseWhenUnavailable: true, awaitTurn: false });
  if (duplicate) {
    // A redelivery: the first delivery's file is the one the transcript points to.
    for (const attachment of attachments) {
      const fileId = (attachment.content as { fileId?: unknown } | undefined)?.fileId;
      if (typeof fileId === 'string') await store.files.delete(fileId);
    }
    options.logger.info({ event: 'whatsapp.duplicate', wamid: message.id, conversationId: conversation.id }, 'repeated delivery dropped');
  }
}

type StatusReport = NonNullable<WebhookValue['statuses']>[number];

/** WhatsApp's statuses that are delivery states; others (e.g. `deleted`) say nothing about delivery. */
const DELIVERY_STATES_BY_STATUS: Readonly<Record<string, DeliveryState>> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

/** A failed status's `errors`: only the code is kept, and only when it looks like one. */
const statusErrors = z.array(z.looseObject({ code: z.union([z.number().int(), z.string().regex(/^[A-Za-z0-9_]{1,20}$/)]) })).min(1);

/**
 * Moves the message a status names (by its wamid) to that state. Meta sends statuses out of order
 * and more than once; the store keeps only forward moves, so a late `delivered` after `read` is
 * dropped there. A wamid the transcript does not know (sent before delivery was recorded, or by
 * another tool on the same number) is ignored.
 */
async function recordStatus(status: StatusReport, options: WhatsAppCloudRouteOptions): Promise<void> {
  const state = DELIVERY_STATES_BY_STATUS[status.status];
  if (!state) return;
  const message = await options.store.messages.findByPlatformId(options.channel, status.id);
  if (!message) {
    options.logger.debug({ event: 'whatsapp.status_unknown_message', wamid: status.id, status: status.status }, 'status for a message not in any transcript');
    return;
  }
  const code = state === 'failed' ? statusErrors.safeParse(status['errors']).data?.[0]?.code : undefined;
  const error = state !== 'failed' ? null : code === undefined ? 'WHATSAPP' : `WHATSAPP ${code}`;
  await options.store.messages.setDelivery(message.conversationId, message.seq, { state, at: statusTime(status.timestamp), platformId: status.id, error });
}

/** The status's time (Unix seconds as text), or now when it is missing or unreadable. */
function statusTime(timestamp: string | undefined): Date {
  const seconds = Number(timestamp);
  return timestamp !== undefined && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

/**
 * Fetches a photo or document into the store, kept only when its bytes are an accepted kind (whatever
 * its `mime_type` or file name says). A failure that a retry may fix throws (the delivery is answered
 * 500 and Meta sends it again); a file refused for its type or size leaves the message with the
 * refusal, which the bot answers; another lasting failure leaves the message without the file.
 */
async function downloadMedia(
  message: InboundMessage,
  conversation: ConversationRecord,
  options: WhatsAppCloudRouteOptions,
): Promise<{ attachments: Attachment[]; refusal?: FileRefusal }> {
  const media = mediaOf(message);
  if (!media) return { attachments: [] };
  try {
    const { bytes } = await options.graph.downloadMedia(media.id);
    const verdict = checkFile(bytes, media.name);
    if (!verdict.ok) return refused(verdict.refusal, message, options);
    const stored = await options.store.files.put({ name: verdict.name, contentType: verdict.contentType, conversationId: conversation.id, bytes });
    return { attachments: [{ contentType: stored.contentType, name: stored.name, contentUrl: 'whatsapp-media', content: { fileId: stored.id, size: stored.size } }] };
  } catch (error) {
    if (error instanceof WhatsAppGraphError && error.status === 413) return refused('file_too_large', message, options);
    if (error instanceof WhatsAppGraphError && !error.retryable) {
      options.logger.warn({ err: error, event: 'whatsapp.media_failed', wamid: message.id }, 'could not fetch a media file');
      return { attachments: [] };
    }
    throw error;
  }
}

function refused(refusal: FileRefusal, message: InboundMessage, options: WhatsAppCloudRouteOptions): { attachments: Attachment[]; refusal: FileRefusal } {
  options.logger.info({ event: 'whatsapp.file_refused', refusal, wamid: message.id }, 'a file was refused');
  return { attachments: [], refusal };
}

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}
