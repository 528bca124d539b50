import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { allText, askedField, buttons, DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Questions over the web chat with the shipped knowledge: answered directly (with `channelData.faq`),
 * declined honestly with a person offered, the handoff offered after a second miss, answered in the
 * middle of a form, and a guide dropped into the knowledge folder answering without a restart.
 */
const t = useTestApp();
let visitor = 0;
const start = () => DirectLineClient.start(t().url, `questions-${(visitor += 1)}`);

describe('asking the bot', () => {
  it('answers a question sent as the very first message, with its entry and confidence', async () => {
    const replies = await (await start()).say('امتى يطلع الرد على طلبي');
    expect(allText(replies)).toContain('أسبوعين');
    expect(replies.at(-1)?.channelData).toMatchObject({ faq: { id: 'decision_time', score: expect.any(Number) } });
  });

  it('answers in English, and follows Gulf-dialect wording', async () => {
    expect(allText(await (await start()).say('how can I volunteer with you'))).toMatch(/volunteer/i);
    expect(allText(await (await start()).say('وش تسوي الجمعية بالضبط'))).toContain('استشارات');
  });

  it('says honestly it does not know, offers a person, and offers the handoff directly on the second miss', async () => {
    const dl = await start();
    const first = await dl.say('وش لون السما');
    expect(allText(first)).toContain('ما عندي معلومة');
    expect(first.at(-1)?.channelData).toMatchObject({ faq: null });
    expect(buttons(first)).toEqual(['التحدث مع موظف', 'القائمة الرئيسية']);

    const second = await dl.say('اعطني وصفة كبسة');
    expect(askedField(second)).toBe('wants_person');
    expect(allText(second)).toContain('للباحث الاجتماعي');
    expect(allText(await dl.say('نعم'))).toContain('تم تحويل محادثتك');
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('waiting');
  });

  it('declines a question outside the association\'s services, and a medical one, with a fitting explanation', async () => {
    const offTopic = await (await start()).say('وش اخبار الطقس بكره في الدمام');
    expect(allText(offTopic)).toContain('خارج ما أقدر أساعد فيه');
    expect(offTopic.at(-1)?.channelData).toMatchObject({ faq: null, declined: 'off_topic' });
  });

  it('declines a medical question with a fitting explanation instead of advice', async () => {
    const replies = await (await start()).say('وش افضل دوا يساعد على التبويض');
    expect(allText(replies)).toContain('نصيحة طبية');
    expect(replies.at(-1)?.channelData).toMatchObject({ faq: null, declined: 'medical_advice' });
  });

  it('offers a social researcher with the answer when the procedure is unclear, and one tap hands over', async () => {
    const dl = await start();
    const replies = await dl.say('الاجراءات مو واضحه لي ابي احد يشرحها');
    expect(replies.at(-1)?.channelData).toMatchObject({ faq: { id: 'social_researcher' } });
    expect(buttons(replies)).toContain('التحدث مع موظف');
    expect(allText(await dl.say('التحدث مع موظف'))).toContain('تم تحويل محادثتك');
  });

  it('answers a question asked in the middle of the application, then asks the same question again', async () => {
    const dl = await start();
    await dl.say('ابي اقدم طلب دعم');
    await dl.say('أوافق');
    const replies = await dl.say('كم مدة الرد على الطلب بعد ما ارسله؟');
    expect(allText(replies)).toContain('أسبوعين');
    expect(askedField(replies)).toBe('applicant_name');
  });

  it('answers from a guide dropped into the knowledge folder, without a restart, naming the guide', async () => {
    const guide = ['# دليل خدمات البحث الاجتماعي', '', '## الزيارات المنزلية', 'يزور الباحث الاجتماعي الأسرة في منزلها بعد موافقتها لاستكمال دراسة الحالة.', ''].join('\n');
    fs.mkdirSync(path.join(t().dataDir, 'knowledge'), { recursive: true });
    fs.writeFileSync(path.join(t().dataDir, 'knowledge', 'social-research.md'), guide);
    let text = '';
    for (let tries = 0; tries < 30 && !text.includes('يزور'); tries += 1) {
      await sleep(150);
      text = allText(await (await start()).say('هل تسوون زيارات منزلية؟'));
    }
    expect(text).toContain('يزور الباحث الاجتماعي الأسرة');
    expect(text).toContain('📄 المصدر: دليل خدمات البحث الاجتماعي — الزيارات المنزلية');
  });
});

describe('close calls', () => {
  const s = useTestApp({ knowledgeDir: path.join('tests', 'fixtures', 'knowledge-suggest') });

  it('offers at most three "did you mean" choices, and a tapped choice is answered', async () => {
    const dl = await DirectLineClient.start(s().url, 'close-call');
    const replies = await dl.say('المقابلة');
    expect(allText(replies)).toContain('هل تقصد');
    const offered = buttons(replies);
    expect(offered).toEqual(expect.arrayContaining(['حجز مقابلة', 'مكان المقابلة']));
    expect(offered.length).toBeLessThanOrEqual(4);
    const answer = await dl.say('مكان المقابلة');
    expect(allText(answer)).toContain('مقر الجمعية');
    expect(answer.at(-1)?.channelData).toMatchObject({ faq: { id: 'interview_place', score: 1 } });
  });
});
