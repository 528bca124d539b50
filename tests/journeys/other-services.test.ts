import { describe, expect, it } from 'vitest';
import { REQUEST_REFERENCE_PATTERN } from '../../src/store/record-values.js';
import { allText, askedField, buttons, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The services beyond the application, over the web chat in both languages: booking an interview
 * or a callback (days in Gregorian and Hijri; past, weekend and full days refused), volunteering,
 * and suggestions and complaints (an empty one refused), each stored for staff. The clock reads
 * Thursday 26 November 2026, 10:00 in Riyadh, so the days offered are known.
 */
const THURSDAY = Date.parse('2026-11-26T10:00:00+03:00');
const startedAt = Date.now();
const t = useTestApp({ env: { BOOKING_CAPACITY: '1' }, now: () => THURSDAY + (Date.now() - startedAt) });

let visitors = 0;
const visitor = () => DirectLineClient.start(t().url, `services-visitor-${(visitors += 1)}`);

async function answer(dl: DirectLineClient, text: string, expectedField: string | undefined): Promise<WireActivity[]> {
  const replies = await dl.say(text);
  expect(askedField(replies), `after "${text}": ${allText(replies)}`).toBe(expectedField);
  return replies;
}

describe('booking an interview or a callback', () => {
  it('offers the next working days in Gregorian and Hijri, refuses past, weekend and full days with the reason, and books a callback', async () => {
    // Sunday 29 November is full (capacity 1, both windows taken by others).
    for (const window of ['0900-1100', '1100-1300']) {
      const taken = await t().app.store.bookings.reserve(
        { contactId: null, conversationId: `other-${window}`, channel: 'webchat', kind: 'interview', day: '2026-11-29', window, phone: null },
        1,
      );
      expect(taken).not.toBeNull();
    }
    const dl = await visitor();
    await answer(dl, 'ابي احجز موعد', 'consent_answer');
    await answer(dl, 'أوافق', 'kind');
    const days = await answer(dl, 'اتصال هاتفي', 'day');
    const offered = buttons(days);
    expect(offered[0]).toBe('الاثنين 30 نوفمبر · 20 جمادى الآخرة');
    expect(offered.some((b) => b.includes('29 نوفمبر'))).toBe(false);
    expect(offered.some((b) => b.includes('الجمعة') || b.includes('السبت'))).toBe(false);

    expect(allText(await answer(dl, '20/11', 'day'))).toContain('هذا اليوم مضى');
    expect(allText(await answer(dl, 'الجمعة', 'day'))).toContain('الجمعة والسبت إجازة');
    expect(allText(await answer(dl, '29/11', 'day'))).toContain('اكتملت');
    expect(allText(await answer(dl, '31/11', 'day'))).toContain('غير موجود في التقويم');

    const windows = await answer(dl, '1', 'window');
    expect(allText(windows)).toContain('الاثنين 30 نوفمبر — 20 جمادى الآخرة 1448 هـ');
    expect(buttons(windows)).toEqual(['9:00 ص – 11:00 ص', '11:00 ص – 1:00 م']);
    await answer(dl, '2', 'phone');
    expect(allText(await answer(dl, '0551234567', 'confirmed'))).toContain('اتصال هاتفي يوم الاثنين 30 نوفمبر');
    const booked = await answer(dl, 'نعم', undefined);
    const reference = /\b\d{4}-\d{4}\b/.exec(allText(booked))?.[0] ?? '';
    expect(reference).toMatch(REQUEST_REFERENCE_PATTERN);

    const stored = await t().app.store.bookings.getByReference(reference);
    expect(stored).toMatchObject({ kind: 'callback', day: '2026-11-30', window: '1100-1300', status: 'requested', phone: '+966551234567', channel: 'webchat' });
    // A second booking while one is upcoming is sent to a person instead.
    expect(allText(await dl.say('احجز موعد'))).toContain(reference);
  });

  it('books an in-person interview in English', async () => {
    const dl = await visitor();
    await answer(dl, 'book an appointment', 'consent_answer');
    await answer(dl, 'I agree', 'kind');
    const days = await answer(dl, 'In-person interview', 'day');
    expect(buttons(days)[0]).toMatch(/^Monday, November 30 · Jumada II 20/);
    await answer(dl, 'next Wednesday', 'window');
    expect(allText(await answer(dl, '1', 'confirmed'))).toContain('An in-person interview on Wednesday, December 2');
    expect(allText(await answer(dl, 'yes', undefined))).toMatch(/Booked ✅ booking number \d{4}-\d{4}/);
  });
});

describe('the day before a booking', () => {
  it('reminds the beneficiary of it, with the day in Gregorian and Hijri', async () => {
    const dl = await visitor();
    await dl.say('السلام عليكم');
    const booking = await t().app.store.bookings.reserve(
      { contactId: null, conversationId: dl.conversationId, channel: 'webchat', kind: 'interview', day: '2026-12-03', window: '0900-1100', phone: null },
      5,
    );
    if (!booking) throw new Error('not booked');
    await t().app.followUps.bookingReminder(booking.id, dl.conversationId, THURSDAY + (Date.now() - startedAt) + 300);
    let text = '';
    for (let i = 0; i < 100 && !text.includes(booking.reference); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      text += allText(await dl.read());
    }
    expect(text).toContain(`تذكير بموعدك رقم ${booking.reference}`);
    expect(text).toContain('الخميس 3 ديسمبر — 23 جمادى الآخرة 1448 هـ');
  });
});

describe('volunteering', () => {
  it('is offered from the answer to «ودي اتطوع» and registers the volunteer after checking each answer', async () => {
    const dl = await visitor();
    const answerReplies = await dl.say('ودي اتطوع');
    expect(allText(answerReplies)).toContain('التطوع');
    expect(buttons(answerReplies)).toContain('سجّلني متطوعًا');
    await answer(dl, 'سجّلني متطوعًا', 'consent_answer');
    await answer(dl, 'أوافق', 'name');
    await answer(dl, '12345', 'name');
    await answer(dl, 'ريم خالد العتيبي', 'phone');
    await answer(dl, '0551234567', 'city');
    expect(allText(await answer(dl, 'الرياض', 'city'))).toContain('المنطقة الشرقية');
    await answer(dl, 'الخبر', 'field');
    await answer(dl, 'طبي', 'availability');
    const review = await answer(dl, 'أي وقت', 'review_action');
    expect(allText(review)).toContain('ريم خالد العتيبي');
    expect(allText(await answer(dl, 'صحيحة، أرسلها', undefined))).toContain('وصلنا طلب التطوع');
    const [volunteer] = await t().app.store.volunteers.list({ status: 'new' });
    expect(volunteer).toMatchObject({ name: 'ريم خالد العتيبي', phone: '+966551234567', city: 'khobar', field: 'medical', availability: 'flexible', status: 'new' });
  });

  it('works in English, with "other" asking what the field is', async () => {
    const dl = await visitor();
    await answer(dl, 'register as a volunteer', 'consent_answer');
    await answer(dl, 'I agree', 'name');
    await answer(dl, 'Sara Ahmed', 'phone');
    await answer(dl, '0501234567', 'city');
    await answer(dl, 'Dammam', 'field');
    await answer(dl, 'Something else', 'field_details');
    await answer(dl, 'graphic design for awareness campaigns', 'availability');
    await answer(dl, 'Weekends', 'review_action');
    expect(allText(await answer(dl, 'Correct, send it', undefined))).toContain('volunteering request');
  });
});

describe('suggestions and complaints', () => {
  it('takes a complaint with a category, refuses an empty text, and gives a reference', async () => {
    const dl = await visitor();
    await answer(dl, 'ابي اقدم شكوى', 'consent_answer');
    await answer(dl, 'أوافق', 'kind');
    await answer(dl, 'شكوى', 'category');
    await answer(dl, 'تعامل الموظفين', 'text');
    expect(allText(await answer(dl, '   ', 'text'))).toContain('ما وصلني نص');
    await answer(dl, 'تأخر الرد على اتصالي ثلاثة أيام', 'review_action');
    const received = await answer(dl, 'أرسل', undefined);
    const reference = /\b\d{4}-\d{4}\b/.exec(allText(received))?.[0] ?? '';
    expect(allText(received)).toContain('وصلتنا شكواك');
    const stored = await t().app.store.feedback.getByReference(reference);
    expect(stored).toMatchObject({ kind: 'complaint', category: 'staff', text: 'تأخر الرد على اتصالي ثلاثة أيام', status: 'open' });
  });

  it('takes a suggestion in English from the menu', async () => {
    const dl = await visitor();
    await dl.say('menu', 'en');
    await answer(dl, 'A suggestion or complaint', 'consent_answer');
    await answer(dl, 'I agree', 'kind');
    await answer(dl, 'Suggestion', 'category');
    await answer(dl, 'The website or this chat', 'text');
    await answer(dl, 'Please add a way to upload documents from the website too', 'review_action');
    expect(allText(await answer(dl, 'Send', undefined))).toMatch(/We received your suggestion, number \d{4}-\d{4}/);
  });
});
