import { TurnContext } from 'botbuilder-core';
import { TelegramError, type Telegram } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { Pacer, type SendLane } from '../../src/channels/pacer.js';
import { sendInBulk } from '../../src/channels/send-lane.js';
import { TelegramAdapter } from '../../adapters/telegram/telegram-adapter.js';
import { ChatQueue } from '../../src/channels/chat-queue.js';
import { buttonValue, inlineKeyboard } from '../../adapters/telegram/telegram-buttons.js';
import { classify } from '../../adapters/telegram/telegram-inbound.js';
import { withRetryAfter } from '../../adapters/telegram/telegram-retry.js';
import { TelegramSendError } from '../../adapters/telegram/telegram-send-error.js';

const tooMany = () => new TelegramError({ error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });

describe('Telegram sending', () => {
  it('waits out a 429 retry_after and tries again', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetryAfter(
      async () => {
        calls += 1;
        if (calls < 3) throw tooMany();
        return 'sent';
      },
      { wait: async (ms) => waits.push(ms) },
    );
    expect(result).toBe('sent');
    expect(waits).toEqual([2000, 2000]);
  });

  it('gives up after two retries with a retryable error, and never retries a blocked bot', async () => {
    const limited = withRetryAfter(() => Promise.reject(tooMany()), { wait: async () => undefined });
    await expect(limited).rejects.toMatchObject({ code: 'TELEGRAM_SEND_FAILED', status: 429, retryable: true });
    let calls = 0;
    const blocked = withRetryAfter(() => {
      calls += 1;
      return Promise.reject(new TelegramError({ error_code: 403, description: 'Forbidden: bot was blocked by the user' }));
    });
    await expect(blocked).rejects.toBeInstanceOf(TelegramSendError);
    await expect(blocked).rejects.toMatchObject({ retryable: false });
    expect(calls).toBe(1);
  });

  it('takes a pacing slot again before retrying a refused message, so the retry is not one too many', async () => {
    const events: string[] = [];
    class RecordingPacer extends Pacer {
      override async take(chat: string): Promise<void> {
        events.push(`slot ${chat}`);
      }
    }
    let calls = 0;
    const telegram = {
      async sendMessage() {
        calls += 1;
        events.push(`send ${calls}`);
        if (calls === 1) throw tooMany();
        return { message_id: 7 };
      },
    } as unknown as Telegram;
    const adapter = new TelegramAdapter({
      telegram,
      chatIdOf: async () => '42',
      retry: { wait: async () => undefined },
      pacer: new RecordingPacer({ overall: { perSecond: 30, burst: 1 } }),
    });
    const context = new TurnContext(adapter, { type: 'message', conversation: { id: 'c1', isGroup: false, conversationType: 'personal', name: '' } });
    const [sent] = await adapter.sendActivities(context, [{ type: 'message', text: 'السلام عليكم' }]);
    expect(sent?.id).toBe('7');
    expect(events).toEqual(['slot 42', 'send 1', 'slot 42', 'send 2']);
  });

  it('paces a survey or reminder in the bulk lane and a turn\'s answer in the reply lane', async () => {
    const lanes: SendLane[] = [];
    class LanePacer extends Pacer {
      override async take(_chat: string, lane: SendLane = 'reply'): Promise<void> {
        lanes.push(lane);
      }
    }
    const telegram = { sendMessage: async () => ({ message_id: 1 }) } as unknown as Telegram;
    const adapter = new TelegramAdapter({ telegram, chatIdOf: async () => '42', pacer: new LanePacer({ overall: { perSecond: 30, burst: 1 } }) });
    const conversation = { id: 'c1', isGroup: false, conversationType: 'personal', name: '' };
    const answer = new TurnContext(adapter, { type: 'message', conversation });
    await adapter.sendActivities(answer, [{ type: 'message', text: 'أهلًا' }]);
    const survey = new TurnContext(adapter, { type: 'event', name: 'continueConversation', conversation });
    sendInBulk(survey);
    await adapter.sendActivities(survey, [{ type: 'message', text: 'كيف تقيّم خدمتنا؟' }]);
    expect(lanes).toEqual(['reply', 'bulk']);
  });
});

describe('Telegram buttons', () => {
  it('carries short values in callback_data and long ones by position, all within 64 bytes', () => {
    const long = 'أرغب في تحديث بيانات الطلب المقدم سابقًا للجمعية';
    const keyboard = inlineKeyboard([
      { type: 'imBack', title: 'نعم', value: 'نعم' },
      { type: 'imBack', title: long, value: long },
    ]);
    const [yes, other] = keyboard.inline_keyboard.flat() as { text: string; callback_data: string }[];
    expect(Buffer.byteLength(other?.callback_data ?? '', 'utf8')).toBeLessThanOrEqual(64);
    expect(buttonValue(yes?.callback_data ?? '', keyboard)).toBe('نعم');
    expect(buttonValue(other?.callback_data ?? '', keyboard)).toBe(long);
    expect(buttonValue('i:9', keyboard)).toBeNull();
  });
});

describe('Telegram inbound', () => {
  it('turns the menu commands into the words the bot knows', () => {
    const message = (text: string) => classify({ message_id: 1, date: 0, chat: { id: 1, type: 'private', first_name: 'S' }, text });
    expect(message('/start')).toEqual({ kind: 'text', text: 'القائمة' });
    expect(message('/menu@injab_bot')).toEqual({ kind: 'text', text: 'القائمة' });
    expect(message('/help')).toEqual({ kind: 'text', text: 'مساعدة' });
    expect(message('/language')).toEqual({ kind: 'text', text: 'language' });
    expect(message('/unknown')).toEqual({ kind: 'text', text: '/unknown' });
  });

  it('keeps one chat in order while other chats go on', async () => {
    const queue = new ChatQueue();
    const order: string[] = [];
    const slow = queue.run('a', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('a1');
    });
    const failing = queue.run('a', async () => {
      order.push('a2');
      throw new Error('turn failed');
    });
    const after = queue.run('a', async () => order.push('a3'));
    const other = queue.run('b', async () => order.push('b1'));
    await Promise.allSettled([slow, failing, after, other]);
    expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
    await expect(failing).rejects.toThrow('turn failed');
  });
});
