import crypto from 'node:crypto';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { TelegramSendError } from '../../adapters/telegram/telegram-send-error.js';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import type { DeliveryState } from '../../src/store/types.js';
import { deliveryErrorCode } from '../../src/turn/turn-runner.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * A platform channel that answers each message with its own id (`p-1`, `p-2`, …) and a typing
 * indicator with an empty one, as Telegram does, and can be told to refuse the next send.
 */
class PlatformDouble extends ChannelAdapter {
  readonly channel = 'platform-double';
  readonly capabilities: ChannelCapabilities = { maxActions: 3, maxActionTitle: 20, maxTextLength: 4000, typing: true };
  readonly sent: Partial<Activity>[] = [];
  /** The delivery state of each message in the transcript at the moment it was handed over. */
  readonly statesAtSend: (DeliveryState | undefined)[] = [];
  refuseNext: Error | null = null;
  /** Whether this process can send on the channel (false: as a WhatsApp Web standby). */
  sendable = true;

  override canSendHere(): boolean {
    return this.sendable;
  }
  inspect: ((activity: Partial<Activity>) => Promise<DeliveryState | undefined>) | null = null;

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    if (this.refuseNext) {
      const error = this.refuseNext;
      this.refuseNext = null;
      throw error;
    }
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'typing') {
        responses.push({ id: '' });
        continue;
      }
      this.statesAtSend.push(await this.inspect?.(activity));
      this.sent.push(activity);
      responses.push({ id: `p-${this.sent.length}` });
    }
    return responses;
  }
}

const platform = new PlatformDouble();
const t = useTestApp({ adapters: [platform] });
platform.inspect = async (activity) => {
  const conversationId = activity.conversation?.id ?? '';
  const messages = await t().app.store.messages.list(conversationId, { direction: 'outgoing' });
  return messages.find((m) => m.activity['id'] === activity.id)?.delivery?.state;
};

async function newConversation() {
  return t().app.store.conversations.create({ channel: platform.channel, externalId: crypto.randomUUID() });
}

/** An inbound message as the turn runner writes it. */
function incoming(conversationId: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: crypto.randomUUID(),
    text,
    from: { id: 'user-1', name: 'Sara' },
    channelId: platform.channel,
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  };
}

describe('TurnRunner: inbound', () => {
  it('answers a redelivered message whose first delivery was written but never ran its turn', async () => {
    const conversation = await newConversation();
    // The first delivery reached the transcript, then the process died before draining.
    await t().app.store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: incoming(conversation.id, 'السلام عليكم'), dedupeKey: 'm-1' });
    const before = platform.sent.length;

    const again = await t().app.runner.receive(conversation, incoming(conversation.id, 'السلام عليكم'), { dedupeKey: 'm-1' });
    expect(again.duplicate).toBe(true);
    expect(platform.sent.length).toBeGreaterThan(before);
    expect((await t().app.store.conversations.get(conversation.id))?.processedSeq).toBe(1);

    // Its turn has run now, so a third delivery is dropped without a second answer.
    const answered = platform.sent.length;
    expect((await t().app.runner.receive(conversation, incoming(conversation.id, 'السلام عليكم'), { dedupeKey: 'm-1' })).duplicate).toBe(true);
    expect(platform.sent).toHaveLength(answered);
    expect(await t().app.store.messages.list(conversation.id, { direction: 'incoming' })).toHaveLength(1);
  });
});

describe('TurnRunner: a channel this process cannot send on', () => {
  it('leaves its stored messages pending, unanswered and unmarked, for the process that can', async () => {
    const conversation = await newConversation();
    await t().app.store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: incoming(conversation.id, 'السلام عليكم'), dedupeKey: 'standby-1' });
    const before = platform.sent.length;
    platform.sendable = false;
    try {
      await t().app.runner.sweep();
      await t().app.runner.drain(conversation.id);
      expect(platform.sent.length).toBe(before);
      expect((await t().app.store.conversations.get(conversation.id))?.processedSeq).toBe(0);
      expect(await t().app.store.conversations.listUnhandled({ limit: 100 })).toContain(conversation.id);
    } finally {
      platform.sendable = true;
    }
    // Once it can (the session is ready here), the sweep answers it.
    await t().app.runner.sweep();
    expect(platform.sent.length).toBeGreaterThan(before);
    expect((await t().app.store.conversations.get(conversation.id))?.processedSeq).toBe(1);
  });
});

describe('TurnRunner: acknowledged before the turn (webhooks)', () => {
  it('returns once the message is stored and sends the reply after, in order', async () => {
    const conversation = await newConversation();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inspect = platform.inspect;
    platform.inspect = async (activity) => {
      await gate;
      return inspect?.(activity);
    };
    try {
      const before = platform.sent.length;
      const first = await t().app.runner.receive(conversation, incoming(conversation.id, 'السلام عليكم'), { dedupeKey: 'early-1', awaitTurn: false });
      const second = await t().app.runner.receive(conversation, incoming(conversation.id, 'مساعدة'), { dedupeKey: 'early-2', awaitTurn: false });
      expect([first.message.seq, second.message.seq]).toEqual([1, 2]);
      // Both stored, neither answered yet: the turn waits on the platform.
      expect(platform.sent.length).toBe(before);
      release();
      await t().app.runner.settle();
      const replies = platform.sent.slice(before).map((a) => a.replyToId);
      expect(replies.length).toBeGreaterThanOrEqual(2);
      expect(replies[0]).toBe(first.message.activity['id']);
      expect(replies.at(-1)).toBe(second.message.activity['id']);
      expect((await t().app.store.conversations.get(conversation.id))?.processedSeq).toBeGreaterThanOrEqual(second.message.seq);
    } finally {
      platform.inspect = inspect;
      release();
    }
  });
});

describe('TurnRunner: delivery of outgoing messages', () => {
  it('writes each message as pending before the channel has it, then sent with the platform id; typing is not transcript', async () => {
    const conversation = await newConversation();
    const before = platform.statesAtSend.length;
    await t().app.runner.proactive(conversation.id, async (context) => {
      await context.sendActivities([{ type: 'typing' }, { type: 'message', text: 'first' }, { type: 'message', text: 'second' }]);
    });
    expect(platform.statesAtSend.slice(before)).toEqual(['pending', 'pending']);
    const outgoing = await t().app.store.messages.list(conversation.id);
    expect(outgoing.map((m) => m.activity['text'])).toEqual(['first', 'second']);
    const [first, second] = outgoing;
    expect(first?.delivery).toMatchObject({ state: 'sent', platformId: `p-${platform.sent.length - 1}`, error: null });
    expect(second?.delivery).toMatchObject({ state: 'sent', platformId: `p-${platform.sent.length}`, error: null });
    expect(first?.dedupeKey).toBe(`out:${String(first?.activity['id'])}`);
  });

  it('marks a refused send failed with its error code and status, and passes the error on', async () => {
    const conversation = await newConversation();
    const refusal = new TelegramSendError(403, 'Forbidden: bot was blocked by the user');
    platform.refuseNext = refusal;
    const sending = t().app.runner.proactive(conversation.id, async (context) => {
      await context.sendActivity({ type: 'message', text: 'رقم الهوية 1098765432' });
    });
    await expect(sending).rejects.toBe(refusal);
    const [message] = await t().app.store.messages.list(conversation.id);
    expect(message?.delivery).toMatchObject({ state: 'failed', platformId: null, error: 'TELEGRAM_SEND_FAILED 403' });
  });

  it('records a send retried under the same id once, and as sent when the retry gets through', async () => {
    const conversation = await newConversation();
    const send = () =>
      t().app.runner.proactive(conversation.id, async (context) => {
        await context.sendActivity({ id: 'job-42', type: 'message', text: 'reply from staff', channelData: { author: { kind: 'staff', staffId: 'staff-1' } } });
      });
    platform.refuseNext = new TelegramSendError(429, 'Too Many Requests');
    await expect(send()).rejects.toThrow(TelegramSendError);
    expect((await t().app.store.messages.list(conversation.id))[0]?.delivery).toMatchObject({ state: 'failed', error: 'TELEGRAM_SEND_FAILED 429' });

    await send();
    const transcript = await t().app.store.messages.list(conversation.id);
    expect(transcript).toHaveLength(1);
    expect(transcript[0]).toMatchObject({
      dedupeKey: 'out:job-42',
      author: { kind: 'staff', staffId: 'staff-1' },
      activity: { id: 'job-42', text: 'reply from staff' },
      delivery: { state: 'sent', platformId: `p-${platform.sent.length}`, error: null },
    });
    // The id travelled past botbuilder in channelData; neither it nor the author reaches the channel.
    expect(platform.sent.at(-1)?.channelData).toBeUndefined();
    expect(transcript[0]?.activity['channelData']).toBeUndefined();
  });

  it('records web chat replies as sent with no platform id: the transcript is their wire', async () => {
    const visitor = await DirectLineClient.start(t().url, 'delivery-visitor');
    await visitor.say('السلام عليكم');
    const outgoing = await t().app.store.messages.list(visitor.conversationId, { direction: 'outgoing' });
    expect(outgoing.length).toBeGreaterThan(0);
    for (const message of outgoing) expect(message.delivery).toMatchObject({ state: 'sent', platformId: null, error: null });
  });
});

describe('deliveryErrorCode', () => {
  it('keeps the code and HTTP status, never the message', () => {
    expect(deliveryErrorCode(new TelegramSendError(403, 'Forbidden: chat 12345 blocked'))).toBe('TELEGRAM_SEND_FAILED 403');
    expect(deliveryErrorCode(new TelegramSendError(null, 'network down'))).toBe('TELEGRAM_SEND_FAILED');
    expect(deliveryErrorCode(new Error('0551234567 unreachable'))).toBe('SEND_FAILED');
  });
});
