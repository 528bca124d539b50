import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import type { Telegram } from 'telegraf';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import { inlineKeyboard } from './telegram-buttons.js';
import { withRetryAfter, type RetryOptions } from './telegram-retry.js';

export type TelegramAdapterOptions = {
  telegram: Telegram;
  /** The Telegram chat of a bot conversation (its `externalId`); null when it is not a Telegram one. */
  chatIdOf: (conversationId: string) => Promise<string | null>;
  retry?: RetryOptions;
};

/**
 * Telegram through telegraf. Activities carry the bot's conversation id, so the chat to write to is
 * looked up from the conversation record (its `externalId` is the Telegram chat id) — the same for a
 * reply inside a turn and for a proactive send from a stored reference.
 */
export class TelegramAdapter extends ChannelAdapter {
  readonly channel = 'telegram';
  readonly capabilities: ChannelCapabilities = { maxActions: 10, maxActionTitle: 60, maxTextLength: 4096, typing: true };

  constructor(private readonly options: TelegramAdapterOptions) {
    super();
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation?.id;
    const chatId = conversationId ? await this.options.chatIdOf(conversationId) : null;
    if (!chatId) throw new Error(`no Telegram chat for conversation ${conversationId ?? '(none)'}`);
    const { telegram, retry } = this.options;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'typing') {
        await withRetryAfter(() => telegram.sendChatAction(chatId, 'typing'), retry);
        responses.push({ id: '' });
        continue;
      }
      if (activity.type !== 'message' || !activity.text) {
        responses.push({ id: activity.id ?? '' });
        continue;
      }
      const text = activity.text;
      const actions = activity.suggestedActions?.actions ?? [];
      const extra = actions.length > 0 ? { reply_markup: inlineKeyboard(actions) } : {};
      const sent = await withRetryAfter(() => telegram.sendMessage(chatId, text, extra), retry);
      responses.push({ id: String(sent.message_id) });
    }
    return responses;
  }
}
