import { externalIdOf } from '../../src/channels/channel-conversations.js';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import type { Logger } from '../../src/logging/logger.js';
import type { Store } from '../../src/store/types.js';
import type { GraphClient } from './graph-client.js';
import { toWhatsAppMessage } from './to-whatsapp-message.js';

/**
 * WhatsApp through Meta's Cloud API. Inbound messages arrive on the webhook (see
 * `whatsapp-cloud-routes.ts`); replies are POSTed to the Graph API, addressed to the `wa_id` that is
 * the conversation's external id. A failed send throws, so the outbound queue can retry it.
 */
export class WhatsAppCloudAdapter extends ChannelAdapter {
  readonly channel = 'whatsapp';
  readonly capabilities: ChannelCapabilities = { maxActions: 10, maxActionTitle: 24, maxTextLength: 4096, typing: false };

  constructor(private readonly deps: { graph: GraphClient; store: Store; logger: Logger }) {
    super();
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    let recipient: string | undefined;
    for (const activity of activities) {
      const id = activity.id ?? '';
      if (activity.type !== 'message') {
        responses.push({ id });
        continue;
      }
      recipient ??= await this.recipientOf(activity.conversation?.id ?? context.activity.conversation?.id);
      const payload = toWhatsAppMessage(activity, recipient);
      if (payload) {
        const wamid = await this.deps.graph.sendMessage(payload);
        this.deps.logger.info({ event: 'whatsapp.sent', activityId: id, wamid, kind: payload['type'] }, 'whatsapp message sent');
      }
      responses.push({ id });
    }
    return responses;
  }

  /** The sender's `wa_id` (digits), kept as the conversation's external id. */
  private async recipientOf(conversationId: string | undefined): Promise<string> {
    const waId = conversationId ? await externalIdOf(this.deps.store, this.channel, conversationId) : null;
    if (!waId) throw new Error(`no WhatsApp conversation ${conversationId ?? '(none)'} to send to`);
    return waId;
  }
}
