import { describe, expect, it } from 'vitest';
import { REQUEST_REFERENCE_PATTERN } from '../../src/store/record-values.js';
import { allText, askedField, buttons, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The support application over the web chat, end to end: real HTTP, the real flows and locales, the
 * embedded store. Each step answers the question the bot asked (read from `channelData.field`), the
 * way a client or a person would.
 */
const t = useTestApp();

const APPLICANT_ID = '1087654321';
const SPOUSE_ID = '2192837462';

let nextPrefix = 123_456_700;
/** A fresh valid national ID (1…) or iqama (2…): nine digits and the Luhn check digit, so tests never collide. */
function freshId(kind: '1' | '2' = '1'): string {
  nextPrefix += 1;
  const body = `${kind}${String(nextPrefix).slice(1)}`;
  for (let check = 0; check < 10; check += 1) {
    const id = `${body}${check}`;
    const sum = [...id].reduce((total, ch, i) => {
      const d = Number(ch) * (i % 2 === 0 ? 2 : 1);
      return total + (d > 9 ? d - 9 : d);
    }, 0);
    if (sum % 10 === 0) return id;
  }
  throw new Error('no check digit');
}

/** Sends a message, checks which question the bot asks next, and returns the replies. */
async function answer(dl: DirectLineClient, text: string, expectedField: string | undefined): Promise<WireActivity[]> {
  const replies = await dl.say(text);
  expect(askedField(replies), `after "${text}": ${allText(replies)}`).toBe(expectedField);
  return replies;
}

/** Starts an application and gives consent; returns at the first question. */
async function startApplication(dl: DirectLineClient, opening = 'ابي اقدم طلب دعم'): Promise<void> {
  await answer(dl, opening, 'consent_answer');
  await answer(dl, 'أوافق', 'applicant_name');
}

/** Answers every question up to the summary with valid answers (Arabic). */
async function fillValidAnswers(dl: DirectLineClient, ids = { applicant: APPLICANT_ID, spouse: SPOUSE_ID }): Promise<WireActivity[]> {
  await answer(dl, 'خالد سعد الدوسري', 'national_id');
  await answer(dl, ids.applicant, 'spouse_name');
  await answer(dl, 'نورة محمد العتيبي', 'spouse_national_id');
  await answer(dl, ids.spouse, 'mobile');
  await answer(dl, '0501234567', 'city');
  await answer(dl, 'الخبر', 'wife_age');
  await answer(dl, '29', 'husband_age');
  await answer(dl, '33', 'years_married');
  await answer(dl, '6', 'children');
  await answer(dl, '0', 'treatment');
  await answer(dl, 'لا', 'income');
  await answer(dl, '7000', 'support_type');
  await answer(dl, 'استشارة طبية', 'contact_time');
  await answer(dl, 'أي وقت', 'documents_when');
  return answer(dl, 'لاحقا', 'review_action');
}

async function submit(dl: DirectLineClient): Promise<string> {
  await answer(dl, 'صحيحة', 'declaration_answer');
  const replies = await answer(dl, 'أقر', undefined);
  const reference = /\b\d{4}-\d{4}\b/.exec(allText(replies))?.[0];
  expect(reference).toMatch(REQUEST_REFERENCE_PATTERN);
  return reference ?? '';
}

describe('the support application over the web chat', () => {
  it('refuses each wrong answer with its reason, keeps what was given, and reaches a reference and the two-weeks message', async () => {
    const dl = await DirectLineClient.start(t().url);
    await startApplication(dl);

    // Names: one word is not a full name.
    expect(allText(await answer(dl, 'خالد', 'applicant_name'))).toContain('الاسم الكامل');
    await answer(dl, 'خالد سعد الدوسري', 'national_id');

    // National ID: check digit, first digit, length — each refusal says which.
    expect(allText(await answer(dl, '1087654322', 'national_id'))).toContain('خانة مكتوبة خطأ');
    expect(allText(await answer(dl, '3087654321', 'national_id'))).toContain('يبدأ بـ1');
    expect(allText(await answer(dl, '108765432', 'national_id'))).toContain('9 أرقام');
    await answer(dl, '١٠٨٧٦٥٤٣٢١', 'spouse_name');
    await answer(dl, 'نورة محمد العتيبي', 'spouse_national_id');
    expect(allText(await answer(dl, APPLICANT_ID, 'spouse_national_id'))).toContain('لازم يختلف');
    await answer(dl, '2192 837 462', 'mobile');

    // Mobile: any common form, stored as E.164; wrong ones say what is wrong.
    expect(allText(await answer(dl, '0138123456', 'mobile'))).toContain('ثابت');
    expect(allText(await answer(dl, '+44 7700 900123', 'mobile'))).toContain('خارج السعودية');
    await answer(dl, '٠٠٩٦٦ ٥٠ ١٢٣ ٤٥٦٧', 'city');

    // City: outside the province gets the reason and a way to stop; a spelling variant is accepted.
    const outside = await answer(dl, 'مكة', 'city');
    expect(allText(outside)).toContain('المنطقة الشرقية');
    expect(buttons(outside)).toContain('إيقاف الطلب');
    expect(allText(await answer(dl, 'قريه ما', 'city'))).toContain('ما تعرفت');
    await answer(dl, 'المبرز', 'wife_age');

    // Numbers: ranges and the years of marriage against the ages.
    expect(allText(await answer(dl, '70', 'wife_age'))).toContain('60');
    await answer(dl, '٢٩', 'husband_age');
    await answer(dl, 'ثلاثة وثلاثين', 'years_married');
    expect(allText(await answer(dl, '20', 'years_married'))).toContain('عمر الزوجة');
    await answer(dl, 'ست سنوات', 'children');
    await answer(dl, 'ولا واحد', 'treatment');
    await answer(dl, '3', 'treatment_attempts');
    await answer(dl, 'مرتين', 'income');
    await answer(dl, '7 آلاف ريال', 'support_type');
    await answer(dl, '4', 'support_details');
    await answer(dl, 'دعم في تكاليف التحاليل', 'contact_time');
    await answer(dl, 'المساء', 'documents_when');
    const summary = await answer(dl, 'لاحقا', 'review_action');

    const text = allText(summary);
    for (const shown of ['خالد سعد الدوسري', APPLICANT_ID, SPOUSE_ID, '050 123 4567', 'الأحساء', '7,000', 'أطفال أنابيب', 'المساء']) expect(text).toContain(shown);

    const reference = await submit(dl);
    const stored = await t().app.store.supportRequests.getByReference(reference);
    expect(stored).toMatchObject({
      status: 'submitted',
      channel: 'webchat',
      answers: expect.objectContaining({ national_id: APPLICANT_ID, spouse_national_id: SPOUSE_ID, mobile: '+966501234567', city: 'ahsa', income: 7000, treatment: 'ivf_icsi', treatment_attempts: 2 }),
    });
    expect(stored?.declaration).toMatchObject({ version: '2026-11-v1', channel: 'webchat' });
    expect(stored?.declaration?.at).toBeInstanceOf(Date);
  });

  it('shows the policy message with the reference: management studies the request, the reply comes in no less than two weeks', async () => {
    const dl = await DirectLineClient.start(t().url);
    await startApplication(dl);
    await fillValidAnswers(dl, { applicant: '1044556676', spouse: '2876543212' });
    await answer(dl, 'صحيحة', 'declaration_answer');
    const text = allText(await dl.say('أقر'));
    expect(text).toMatch(/رقم الطلب: [2-9]{4}-[2-9]{4}/);
    expect(text).toContain('إدارة الجمعية');
    expect(text).toContain('لا تقل عن أسبوعين');
  });

  it('lets the applicant change any answer from the summary and comes back to it', async () => {
    const dl = await DirectLineClient.start(t().url);
    await startApplication(dl);
    await fillValidAnswers(dl, { applicant: '1122334459', spouse: '1100998879' });

    const list = await answer(dl, 'أعدّل إجابة', 'edit_field');
    expect(allText(list)).toContain('عدد الأطفال');
    await answer(dl, 'عدد الأطفال', 'children');
    const back = await answer(dl, '2', 'review_action');
    expect(allText(back)).toContain('عدد الأطفال: 2');

    // A change that opens a question: choosing a treatment asks the number of attempts, then returns.
    await answer(dl, 'تعديل', 'edit_field');
    await answer(dl, 'محاولات العلاج السابقة', 'treatment');
    await answer(dl, 'تلقيح صناعي', 'treatment_attempts');
    expect(allText(await answer(dl, '1', 'review_action'))).toContain('عدد المحاولات: 1');

    // And back again: the attempts disappear from the summary and from what is sent.
    await answer(dl, 'تعديل', 'edit_field');
    await answer(dl, 'محاولات العلاج السابقة', 'treatment');
    const final = allText(await answer(dl, 'لا', 'review_action'));
    expect(final).not.toContain('عدد المحاولات');
    const reference = await submit(dl);
    const stored = await t().app.store.supportRequests.getByReference(reference);
    expect(stored?.answers).toMatchObject({ children: 2, treatment: 'none' });
    expect(stored?.answers).not.toHaveProperty('treatment_attempts');
  });

  it('does not create a second request for an ID that has an open one, and gives its reference and status', async () => {
    const first = await DirectLineClient.start(t().url);
    await startApplication(first);
    await fillValidAnswers(first, { applicant: '1058529940', spouse: '1001244019' });
    const reference = await submit(first);

    // The spouse applies from another chat: stopped at the ID, told the existing reference.
    const second = await DirectLineClient.start(t().url);
    await startApplication(second);
    await answer(second, 'نورة محمد العتيبي', 'national_id');
    const replies = await answer(second, '1001244019', undefined);
    expect(allText(replies)).toContain(reference);
    expect(allText(replies)).toContain('تم الاستلام');
    const all = await t().app.store.supportRequests.list({ limit: 100 });
    expect(all.filter((r) => r.reference === reference)).toHaveLength(1);
  });

  it('answers "حالة طلبي" with the status in words in the chat that applied', async () => {
    const dl = await DirectLineClient.start(t().url);
    await startApplication(dl);
    await fillValidAnswers(dl, { applicant: '1000000008', spouse: '2000000006' });
    const reference = await submit(dl);

    expect(allText(await dl.say('حالة طلبي'))).toMatch(new RegExp(`${reference}[\\s\\S]*تم الاستلام`));
    const request = await t().app.store.supportRequests.getByReference(reference);
    await t().app.store.supportRequests.update(request?.id ?? '', { status: 'under_review' });
    expect(allText(await dl.say('وش صار على طلبي؟'))).toContain('قيد الدراسة');
    expect(allText(await dl.say(`حالة طلبي ${reference.replace('-', '')}`))).toContain('قيد الدراسة');

    const stranger = await DirectLineClient.start(t().url, 'a-stranger');
    expect(askedField(await stranger.say('حالة طلبي'))).toBe('trigger_text');
    expect(allText(await stranger.say('ما أذكره'))).toContain('8 أرقام');
    expect(askedField(await stranger.say('2345-6789'))).toBe('not_shown_choice');
  });

  it('neither confirms nor denies a reference from another chat, and offers a staff member who can verify the person', async () => {
    const owner = await DirectLineClient.start(t().url, 'status-owner');
    await startApplication(owner);
    await fillValidAnswers(owner, { applicant: freshId('1'), spouse: freshId('2') });
    const reference = await submit(owner);

    const other = await DirectLineClient.start(t().url, 'status-other');
    const real = await other.say(`حالة طلبي ${reference}`);
    await other.say('القائمة');
    const madeUp = await other.say(`حالة طلبي ${reference === '2345-6789' ? '9876-5432' : '2345-6789'}`);

    expect(askedField(real)).toBe('not_shown_choice');
    expect(allText(real)).toBe(allText(madeUp));
    expect(allText(real)).not.toContain(reference);
    expect(allText(real)).not.toContain('تم الاستلام');
    expect(buttons(real)).toEqual(buttons(madeUp));
    expect(buttons(real)).toContain('التحدث مع موظف');

    // The staff button hands the conversation to a person.
    await other.say('التحدث مع موظف');
    const handoff = await t().app.store.handoffs.findOpenByConversation(other.conversationId);
    expect(handoff).not.toBeNull();
  });
});

describe('cancelling and coming back', () => {
  it('asks before cancelling, keeps the answers on "no", and deletes them on "yes"', async () => {
    const dl = await DirectLineClient.start(t().url);
    await startApplication(dl);
    await answer(dl, 'خالد سعد الدوسري', 'national_id');
    expect(allText(await answer(dl, 'إلغاء', 'confirm_cancel'))).toContain('ستُحذف');
    await answer(dl, 'لا، أكمل الطلب', 'national_id');
    await answer(dl, 'إلغاء', 'confirm_cancel');
    const cancelled = await answer(dl, 'نعم', 'menu_choice');
    expect(allText(cancelled)).toContain('حذف الإجابات');
    // Starting again begins at the first question: the draft is gone; consent is remembered.
    await answer(dl, 'طلب دعم', 'applicant_name');
  });

  it('does not take a greeting or another request as the answer to a name question', async () => {
    const dl = await DirectLineClient.start(t().url, 'greeting-visitor');
    await startApplication(dl);
    expect(allText(await answer(dl, 'السلام عليكم', 'applicant_name'))).toContain('وعليكم السلام');
    expect(allText(await answer(dl, 'حالة طلبي', 'applicant_name'))).toContain('«إلغاء»');
    await answer(dl, 'خالد سعد الدوسري', 'national_id');
  });

  it('answers in English for an English applicant, with English refusals', async () => {
    const dl = await DirectLineClient.start(t().url);
    await answer(dl, 'I want to apply for support', 'consent_answer');
    await answer(dl, 'I agree', 'applicant_name');
    await answer(dl, 'Sara Ahmed Al-Qahtani', 'national_id');
    expect(allText(await answer(dl, '1234567890', 'national_id'))).toMatch(/digit|check/i);
    await answer(dl, freshId('2'), 'spouse_name');
    await answer(dl, 'Ahmed Ali Al-Qahtani', 'spouse_national_id');
    await answer(dl, freshId(), 'mobile');
    expect(allText(await answer(dl, '055123456', 'mobile'))).toContain('10 digits');
    await answer(dl, '+966 55 123 4567', 'city');
    const outside = await answer(dl, 'Riyadh', 'city');
    expect(allText(outside)).toContain('Eastern Province');
    expect(buttons(outside)).toContain('Stop the application');
    await answer(dl, 'Al Khobar', 'wife_age');
  });
});
