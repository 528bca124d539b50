import { describe, expect, it } from 'vitest';
import { allText, DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** Asking for a person outside the researchers' hours says when they will reply (Asia/Riyadh, Sunday–Thursday). */
let clock = new Date('2026-11-27T10:00:00+03:00').getTime(); // a Friday
const t = useTestApp({ now: () => clock, env: { STAFF_HOURS: '08:00-15:00' } });

describe('a handoff outside working hours', () => {
  it('tells the beneficiary the day and time researchers will reply, in their language', async () => {
    const ar = await (await DirectLineClient.start(t().url, 'friday-ar')).say('ابي اكلم موظف');
    expect(allText(ar)).toContain('خارج أوقات عمل');
    expect(allText(ar)).toContain('الأحد');
    const en = await (await DirectLineClient.start(t().url, 'friday-en')).say('I want to talk to a person');
    expect(allText(en)).toMatch(/Sunday at 8:00/);
  });

  it('says nothing of the kind during working hours', async () => {
    clock = new Date('2026-11-29T10:00:00+03:00').getTime(); // a Sunday
    const replies = await (await DirectLineClient.start(t().url, 'sunday')).say('ابي اكلم موظف');
    expect(allText(replies)).toContain('تم تحويل محادثتك');
    expect(allText(replies)).not.toContain('خارج أوقات عمل');
  });
});
