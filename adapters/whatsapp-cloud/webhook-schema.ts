import { z } from 'zod';

/**
 * The parts of a WhatsApp Cloud API webhook delivery the bot reads. Objects are loose: Meta adds
 * fields over time, and an unknown field must not turn a valid delivery into a 400 (Meta would
 * retry it for days).
 */
const idAndMime = z.looseObject({ id: z.string().min(1).max(200), mime_type: z.string().max(200).optional() });

export const inboundMessageSchema = z.looseObject({
  from: z.string().regex(/^\d{1,20}$/),
  id: z.string().min(1).max(200),
  timestamp: z.string().max(20).optional(),
  type: z.string().max(40),
  text: z.looseObject({ body: z.string().max(100_000) }).optional(),
  interactive: z
    .looseObject({
      type: z.string().max(40),
      button_reply: z.looseObject({ id: z.string().max(256), title: z.string().max(100) }).optional(),
      list_reply: z.looseObject({ id: z.string().max(256), title: z.string().max(100) }).optional(),
    })
    .optional(),
  button: z.looseObject({ text: z.string().max(100) }).optional(),
  image: idAndMime.extend({ caption: z.string().max(10_000).optional() }).optional(),
  document: idAndMime.extend({ filename: z.string().max(500).optional(), caption: z.string().max(10_000).optional() }).optional(),
});

export const statusSchema = z.looseObject({
  id: z.string().min(1).max(200),
  status: z.string().max(40),
  recipient_id: z.string().max(40).optional(),
  timestamp: z.string().max(20).optional(),
});

const valueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string().max(40).optional() }).optional(),
  contacts: z.array(z.looseObject({ wa_id: z.string().max(40).optional(), profile: z.looseObject({ name: z.string().max(200).optional() }).optional() })).optional(),
  messages: z.array(inboundMessageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
});

export const webhookSchema = z.looseObject({
  object: z.string().max(100).optional(),
  entry: z.array(z.looseObject({ changes: z.array(z.looseObject({ field: z.string().max(100).optional(), value: valueSchema })) })),
});

export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type WebhookValue = z.infer<typeof valueSchema>;
