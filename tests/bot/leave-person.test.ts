import { describe, expect, it } from 'vitest';
import { allText, buttons, DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** While a person is in charge, "menu" asks before leaving them; the answer decides. */
const t = useTestApp();

describe('leaving the social researcher', () => {
  it('asks first, stays on "no", and goes back to the assistant on "yes"', async () => {
    const dl = await DirectLineClient.start(t().url, 'leaving');
    await dl.say('ابي اكلم موظف');
    const asked = await dl.say('القائمة');
    expect(allText(asked)).toContain('تبي تتركه');
    expect(buttons(asked)).toEqual(['نعم', 'لا']);
    expect(allText(await dl.say('لا'))).toContain('تبقى محادثتك');
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('waiting');

    await dl.say('القائمة');
    const left = await dl.say('نعم');
    expect(allText(left)).toContain('رجعت للمساعد الآلي');
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('bot');
    expect(await t().app.store.handoffs.findOpenByConversation(dl.conversationId)).toBeNull();
  });
});
