import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';

/** What the adapter needs of a whatsapp-web.js client (and what a test fake provides). */
export type WhatsAppSender = { sendMessage(chatId: string, text: string): Promise<unknown> };

export type WhatsAppWebAdapterOptions = {
  /** The running client, or null when this process is on standby (another one holds the session). */
  client: () => WhatsAppSender | null;
  /**
   * Whether a turn run here can answer now: the session's client is in this process and working
   * (ready, or delivering messages). Default: a client is there.
   */
  canAnswer?: () => boolean;
  /** The WhatsApp chat of a bot conversation (its `externalId`); null when it is not a WhatsApp Web one. */
  chatIdOf: (conversationId: string) => Promise<string | null>;
};

/**
 * WhatsApp through a linked WhatsApp Web session (whatsapp-web.js). Buttons and lists are not
 * reliable there, so capabilities say none: the renderer writes choices as a numbered list and the
 * bot accepts the number or the words. Only plain text is sent.
 *
 * The session runs in one process only (see the owner lock in the channel). Queued messages for
 * this channel are worked only by that process (the channel's `sender`); a send that still reaches
 * a process without the client throws, and the queue tries again.
 */
export class WhatsAppWebAdapter extends ChannelAdapter {
  readonly channel = 'whatsapp-web';
  readonly capabilities: ChannelCapabilities = { maxActions: 0, maxActionTitle: 0, maxTextLength: 4000, typing: false };

  constructor(private readonly options: WhatsAppWebAdapterOptions) {
    super();
  }

  override canSendHere(): boolean {
    return this.options.canAnswer ? this.options.canAnswer() : this.options.client() !== null;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    let chatId: string | undefined;
    for (const activity of activities) {
      if (activity.type !== 'message' || !activity.text) {
        responses.push({ id: activity.id ?? '' });
        continue;
      }
      if (chatId === undefined) {
        const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
        const found = conversationId ? await this.options.chatIdOf(conversationId) : null;
        if (!found) throw new Error(`no WhatsApp Web chat for conversation ${conversationId ?? '(none)'}`);
        chatId = found;
      }
      const client = this.options.client();
      if (!client) throw new Error('the WhatsApp Web session is not running in this process');
      await client.sendMessage(chatId, activity.text);
      responses.push({ id: activity.id ?? '' });
    }
    return responses;
  }
}
