import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import type { Telegram } from 'telegraf';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import { Pacer, pacerUnder } from '../../src/channels/pacer.js';
import { laneOf } from '../../src/channels/send-lane.js';
import { inlineKeyboard } from './telegram-buttons.js';
import { withRetryAfter, type RetryOptions } from './telegram-retry.js';

export type TelegramAdapterOptions = {
  telegram: Telegram;
  /** The Telegram chat of a bot conversation (its `externalId`); null when it is not a Telegram one. */
  chatIdOf: (conversationId: string) => Promise<string | null>;
  retry?: RetryOptions;
  /**
   * The hint shown in the input field for a question of this input type (nationalId, phone, number…),
   * or undefined for none. Telegram has no numeric keyboard; the placeholder is the closest it offers.
   */
  placeholderFor?: (inputType: string, locale: string | undefined) => string | undefined;
  /** Default: Telegram's documented limits, 30 messages/s overall and about 1/s per chat (bursts of 3). */
  pacer?: Pacer;
  /** Messages per second Telegram allows this bot over all chats (about 30); paced at 95% of it. Default 30. */
  messagesPerSecond?: number;
};

/** Telegram's limit for `input_field_placeholder`. */
const MAX_PLACEHOLDER = 64;

/**
 * Telegram through telegraf. Activities carry the bot's conversation id, so the chat to write to is
 * looked up from the conversation record (its `externalId` is the Telegram chat id) — the same for a
 * reply inside a turn and for a proactive send from a stored reference.
 */
export class TelegramAdapter extends ChannelAdapter {
  readonly channel = 'telegram';
  readonly capabilities: ChannelCapabilities = { maxActions: 10, maxActionTitle: 60, maxTextLength: 4096, typing: true };

  private readonly pacer: Pacer;

  constructor(private readonly options: TelegramAdapterOptions) {
    super();
    // About 30 messages/s overall and 1/s per chat; a reply of three short messages may go at once.
    this.pacer = options.pacer ?? pacerUnder(options.messagesPerSecond ?? 30, { perSecond: 1, burst: 3 });
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation?.id;
    const chatId = conversationId ? await this.options.chatIdOf(conversationId) : null;
    if (!chatId) throw new Error(`no Telegram chat for conversation ${conversationId ?? '(none)'}`);
    const { telegram, retry } = this.options;
    const responses: ResourceResponse[] = [];
    const lane = laneOf(context);
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
      const extra = this.markupFor(activity);
      // Every attempt takes its own slot: a retry after a 429 sent outside the schedule would add
      // one more message to a second that is already full, and be refused in turn.
      const sent = await withRetryAfter(async () => {
        await this.pacer.take(chatId, lane);
        return telegram.sendMessage(chatId, text, extra);
      }, retry);
      responses.push({ id: String(sent.message_id) });
    }
    return responses;
  }

  /** Choices as an inline keyboard; for a typed answer (an ID, a number) a placeholder hint instead. */
  private markupFor(activity: Partial<Activity>): Record<string, unknown> {
    const actions = activity.suggestedActions?.actions ?? [];
    if (actions.length > 0) return { reply_markup: inlineKeyboard(actions) };
    const inputType = (activity.channelData as { inputType?: unknown } | undefined)?.inputType;
    if (activity.inputHint !== 'expectingInput' || typeof inputType !== 'string') return {};
    const placeholder = this.options.placeholderFor?.(inputType, activity.locale)?.slice(0, MAX_PLACEHOLDER);
    // force_reply is the only markup that carries a placeholder without showing a keyboard.
    return placeholder ? { reply_markup: { force_reply: true, input_field_placeholder: placeholder } } : {};
  }
}
