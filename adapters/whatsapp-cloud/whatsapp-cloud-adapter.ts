import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import { externalIdOf } from '../../src/channels/channel-conversations.js';
import { Pacer, pacerUnder } from '../../src/channels/pacer.js';
import { laneOf } from '../../src/channels/send-lane.js';
import type { Logger } from '../../src/logging/logger.js';
import type { Store } from '../../src/store/types.js';
import type { GraphClient } from './graph-client.js';
import { toTemplateMessage, toWhatsAppMessage } from './to-whatsapp-message.js';
import { WhatsAppWindowClosedError } from './whatsapp-window-error.js';

/** WhatsApp's customer-service window: free-form messages only this long after the user last wrote. */
export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;
/** Treat the window as closed a little early, so a send racing its end is not refused. */
const WINDOW_MARGIN_MS = 5 * 60 * 1000;

export type WhatsAppCloudAdapterOptions = {
  graph: GraphClient;
  store: Store;
  logger: Logger;
  /** The approved template for messages outside the window (`WHATSAPP_TEMPLATE_NAME`). */
  template?: { name: string; languages: Readonly<Record<string, string>> } | undefined;
  now?: () => number;
  /** Default: 80 messages/s, the Cloud API's throughput for one business number. */
  pacer?: Pacer;
  /** Messages per second Meta allows the number (80; 1,000 on the upgraded tier); paced at 95% of it. Default 80. */
  messagesPerSecond?: number;
};

/**
 * WhatsApp through Meta's Cloud API. Inbound messages arrive on the webhook (see
 * `whatsapp-cloud-routes.ts`); replies are POSTed to the Graph API, addressed to the `wa_id` that is
 * the conversation's external id. A failed send throws, so the outbound queue can retry it.
 */
export class WhatsAppCloudAdapter extends ChannelAdapter {
  readonly channel = 'whatsapp';
  readonly capabilities: ChannelCapabilities = { maxActions: 10, maxActionTitle: 24, maxTextLength: 4096, typing: false };

  private readonly pacer: Pacer;
  private readonly now: () => number;

  constructor(private readonly deps: WhatsAppCloudAdapterOptions) {
    super();
    this.pacer = deps.pacer ?? pacerUnder(deps.messagesPerSecond ?? 80);
    this.now = deps.now ?? Date.now;
  }

  /**
   * Sends each message as the richest payload WhatsApp allows. A send outside a beneficiary's turn (a
   * staff reply, a reminder) first checks the 24-hour window — when the message goes, not when it was
   * queued — and past it uses the configured template, or fails without retrying when there is none.
   */
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    const conversationId = context.activity.conversation?.id;
    let recipient: string | undefined;
    let windowOpen: boolean | undefined;
    for (const activity of activities) {
      const id = activity.id ?? '';
      if (activity.type !== 'message') {
        responses.push({ id });
        continue;
      }
      recipient ??= await this.recipientOf(conversationId);
      windowOpen ??= !isProactive(context) || (await this.windowOpen(conversationId));
      const payload = windowOpen ? toWhatsAppMessage(activity, recipient) : this.templateFor(activity, recipient);
      if (!payload) {
        responses.push({ id });
        continue;
      }
      await this.pacer.take(recipient, laneOf(context));
      const wamid = await this.deps.graph.sendMessage(payload);
      this.deps.logger.info({ event: 'whatsapp.sent', activityId: id, wamid, kind: payload['type'] }, 'whatsapp message sent');
      responses.push({ id: wamid ?? id });
    }
    return responses;
  }

  /** Whether the beneficiary wrote within the last 24 hours (their last message whose turn has run). */
  private async windowOpen(conversationId: string | undefined): Promise<boolean> {
    const conversation = conversationId ? await this.deps.store.conversations.get(conversationId) : null;
    if (!conversation || conversation.processedSeq === 0) return false;
    const [last] = await this.deps.store.messages.list(conversation.id, { afterSeq: conversation.processedSeq - 1, limit: 1 });
    if (!last || last.direction !== 'incoming') return false;
    return this.now() - last.createdAt.getTime() < SERVICE_WINDOW_MS - WINDOW_MARGIN_MS;
  }

  private templateFor(activity: Partial<Activity>, recipient: string): Record<string, unknown> | null {
    const template = this.deps.template;
    if (!template) throw new WhatsAppWindowClosedError();
    const locale = activity.locale?.startsWith('en') ? 'en' : 'ar';
    const languageCode = template.languages[locale] ?? template.languages['ar'] ?? locale;
    return toTemplateMessage(activity, recipient, { name: template.name, languageCode });
  }

  /** The sender's `wa_id` (digits), kept as the conversation's external id. */
  private async recipientOf(conversationId: string | undefined): Promise<string> {
    const waId = conversationId ? await externalIdOf(this.deps.store, this.channel, conversationId) : null;
    if (!waId) throw new Error(`no WhatsApp conversation ${conversationId ?? '(none)'} to send to`);
    return waId;
  }
}

/** A send the bot starts itself (from a stored reference), not a reply inside the beneficiary's turn. */
function isProactive(context: TurnContext): boolean {
  return context.activity.type === 'event' && context.activity.name === 'continueConversation';
}
