import { describe, expect, it } from 'vitest';
import { DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** One conversation sending faster than a person types: one kind notice, nothing lost, then back to normal. */
const WINDOW_MS = 4000;
const t = useTestApp({ env: { MESSAGES_PER_MINUTE: '20', RATE_LIMIT_WINDOW_MS: String(WINDOW_MS) } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function flood(dl: DirectLineClient, texts: string[], locale: string): Promise<void> {
  const responses = await Promise.all(texts.map((text) => dl.post({ type: 'message', text, locale, from: { id: dl.userId } })));
  expect(responses.map((res) => res.status)).toEqual(texts.map(() => 200));
}

const botTexts = (activities: WireActivity[]) => activities.filter((a) => a.from.role === 'bot').map((a) => a.text ?? '');

describe('a flood of messages from one conversation', () => {
  it('answers the 21st message once with a polite notice in Arabic, keeps every message, and works again after the window', async () => {
    const notice = t().app.i18n.t('ar', 'limits.slow_down');
    const dl = await DirectLineClient.start(t().url, 'flooding-visitor');
    await dl.say('مرحبا');
    await flood(
      dl,
      Array.from({ length: 21 }, (_, i) => `رسالة ${i + 1}`),
      'ar-SA',
    );
    const more = await dl.post({ type: 'message', text: 'رسالة أخرى', locale: 'ar-SA', from: { id: dl.userId } });
    expect(more.status).toBe(200);

    const activities = await dl.read();
    expect(botTexts(activities).filter((text) => text === notice)).toHaveLength(1);
    const incoming = await t().app.store.messages.list(dl.conversationId, { direction: 'incoming', limit: 100 });
    expect(incoming).toHaveLength(23); // the greeting, the flood and the one after: all in the transcript
    const conversation = await t().app.store.conversations.get(dl.conversationId);
    expect(conversation?.processedSeq).toBeGreaterThanOrEqual(incoming.at(-1)?.seq ?? Infinity); // none left waiting

    await sleep(WINDOW_MS + 200);
    const replies = await dl.say('السلام عليكم');
    expect(replies.map((r) => r.text).join('\n')).toContain('وعليكم السلام');
    expect(botTexts(replies)).not.toContain(notice);
  });

  it('asks in English when the conversation is in English', async () => {
    const notice = t().app.i18n.t('en', 'limits.slow_down');
    expect(notice).toMatch(/a lot of messages/);
    const dl = await DirectLineClient.start(t().url, 'flooding-visitor-en');
    await dl.say('hello', 'en-US');
    await flood(
      dl,
      Array.from({ length: 21 }, (_, i) => `message ${i + 1}`),
      'en-US',
    );
    expect(botTexts(await dl.read()).filter((text) => text === notice)).toHaveLength(1);
  });

  it('still reads a message showing severe distress in the middle of a flood, and raises the urgent handoff', async () => {
    const dl = await DirectLineClient.start(t().url, 'flooding-visitor-distress');
    await dl.say('مرحبا');
    await flood(
      dl,
      Array.from({ length: 21 }, (_, i) => `رسالة ${i + 1}`),
      'ar-SA',
    );
    const replies = await dl.say('والله تعبت من الحياة');
    expect(botTexts(replies).join('\n')).toContain('نحن معك');
    expect((await t().app.store.handoffs.findOpenByConversation(dl.conversationId))?.reason).toBe('distress');
  });
});
