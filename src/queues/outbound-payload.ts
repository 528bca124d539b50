import { z } from 'zod';
import type { Cipher } from '../security/cipher.js';

/** What the queue needs to see of a message: whose it is, its id, who wrote it, whether it may wait. */
const envelopeShape = {
  conversationId: z.string().min(1),
  /** Makes the job id: the same key is never sent twice. No colon (BullMQ reserves it). */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/),
  author: z.object({ kind: z.enum(['staff', 'system']), staffId: z.string().optional() }).default({ kind: 'system' }),
  /**
   * Sent on the bot's own initiative (a status notification), not as part of a conversation: waits
   * while a person owns the conversation, and through quiet hours. Staff replies are not automatic.
   */
  automatic: z.boolean().default(false),
};

/** What the beneficiary reads: fixed text (a staff reply) or a locale key with its parameters. */
const messageShape = {
  text: z.string().min(1).max(4000).optional(),
  key: z.string().optional(),
  /** Message parameters; a value may differ by language (`{ ar, en }`: a day written for each), picked at send time. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.object({ ar: z.string(), en: z.string() })])).optional(),
};

const EXACTLY_ONE = { message: 'exactly one of text or key' };
const exactlyOne = (message: { text?: string | undefined; key?: string | undefined }) => (message.text === undefined) !== (message.key === undefined);

/** An outbound message as a producer gives it (`enqueueOutbound`). */
export const outboundPayload = z.object({ ...envelopeShape, ...messageShape }).refine(exactlyOne, EXACTLY_ONE);

export type OutboundPayload = z.input<typeof outboundPayload>;
export type ParsedOutboundPayload = z.infer<typeof outboundPayload>;

/** The part of a job that stays readable in Redis: enough to order, route, erase and forget it. */
export const outboundEnvelope = z.object(envelopeShape);
export type OutboundEnvelope = z.infer<typeof outboundEnvelope>;

const outboundMessage = z.object(messageShape).refine(exactlyOne, EXACTLY_ONE);
const sealedJobData = outboundEnvelope.extend({ sealed: z.string().min(1) });

/**
 * The job data for a message: the envelope in plain, the words (text, key, parameters) sealed with
 * the data cipher, so Redis and its append-only file never hold a staff member's reply to a
 * beneficiary in plain while it waits.
 *
 * @example
 * sealOutbound(outboundPayload.parse({ conversationId, idempotencyKey: 'reply-1', text: 'أهلًا' }), cipher);
 * // { conversationId, idempotencyKey: 'reply-1', author: { kind: 'system' }, automatic: false, sealed: 'v2.…' }
 */
export function sealOutbound(payload: ParsedOutboundPayload, cipher: Cipher): z.infer<typeof sealedJobData> {
  const { text, key, params, ...envelope } = payload;
  return { ...envelope, sealed: cipher.sealJson({ text, key, params }) };
}

/**
 * The whole message from a job's data: sealed (queued by this version) or plain (queued before the
 * words were sealed, still sent as they are). Throws when the data is neither, or the key that
 * sealed it is gone.
 */
export function openOutbound(data: unknown, cipher: Cipher): ParsedOutboundPayload {
  const sealed = sealedJobData.safeParse(data);
  if (!sealed.success) return outboundPayload.parse(data);
  const { sealed: words, ...envelope } = sealed.data;
  return { ...envelope, ...outboundMessage.parse(cipher.openJson<unknown>(words)) };
}
