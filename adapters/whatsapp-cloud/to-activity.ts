import type { Activity, Attachment } from 'botbuilder-core';
import type { ConversationRecord } from '../../src/store/types.js';
import { refusedFile, type FileRefusal } from '../../src/security/file-type.js';
import type { InboundMessage } from './webhook-schema.js';

/** The media id of a message the bot keeps as a file (photos and documents), if it is one. */
export function mediaOf(message: InboundMessage): { id: string; mimeType: string | undefined; name: string } | null {
  if (message.type === 'image' && message.image) {
    return { id: message.image.id, mimeType: message.image.mime_type, name: `whatsapp-image-${message.id.slice(-12)}.${extension(message.image.mime_type)}` };
  }
  if (message.type === 'document' && message.document) {
    return { id: message.document.id, mimeType: message.document.mime_type, name: message.document.filename ?? `whatsapp-document-${message.id.slice(-12)}` };
  }
  return null;
}

/**
 * The Activity for one WhatsApp message. What the user tapped (reply button, list row, template
 * button) reads as its title, the same words they could have typed. Types the bot cannot read
 * (voice notes, stickers, locations…) carry `channelData.unsupported` and no text; so does a file
 * refused for its type or size (`refusal`), whose caption goes with it.
 */
export function toActivity(
  conversation: ConversationRecord,
  message: InboundMessage,
  senderName: string | undefined,
  attachments: Attachment[],
  refusal?: FileRefusal,
): Partial<Activity> {
  const base = {
    type: 'message',
    id: message.id,
    channelId: conversation.channel,
    serviceUrl: '',
    from: { id: message.from, name: senderName ?? '', role: 'user' },
    recipient: { id: 'injab-bot', role: 'bot', name: 'Injab' },
    conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
  };
  if (refusal) return { ...base, ...refusedFile(refusal) };
  const text = textOf(message);
  const unsupported = text === undefined && attachments.length === 0;
  return {
    ...base,
    text: text ?? '',
    ...(attachments.length ? { attachments } : {}),
    ...(unsupported ? { channelData: { unsupported: true, whatsappType: message.type } } : {}),
  };
}

function textOf(message: InboundMessage): string | undefined {
  switch (message.type) {
    case 'text':
      return message.text?.body;
    case 'interactive':
      return message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title;
    case 'button':
      return message.button?.text;
    case 'image':
      return message.image?.caption;
    case 'document':
      return message.document?.caption;
    default:
      return undefined;
  }
}

function extension(mimeType: string | undefined): string {
  const subtype = mimeType?.split(';')[0]?.split('/')[1]?.trim();
  return subtype && /^[a-z0-9.+-]{1,10}$/i.test(subtype) ? subtype.replace('jpeg', 'jpg') : 'bin';
}
