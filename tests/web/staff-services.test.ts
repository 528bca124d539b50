import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bookableDays, formatDay } from '../../src/services/booking-calendar.js';
import { loadConfig } from '../../src/config/config.js';
import { hashPassword } from '../../src/staff/password.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useBrowser } from '../helpers/browser.js';
import { botSays as chatSays, consolePage } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The Feedback, Bookings and Volunteers views in headless Chromium under the console's CSP: an
 * officer sees an open complaint stand out (and its count on the tab), reads its markup as text,
 * answers it — the beneficiary reads the answer in their chat — and the highlight goes; bookings
 * come grouped by day with both calendars and are confirmed from the card; a volunteer's status is
 * saved from the table. A researcher has no Volunteers tab.
 */
const OFFICER = { email: 'reem@injab.test', password: 'an officer password' };
const RESEARCHER = { email: 'noura@injab.test', password: 'a researcher password' };
const HOSTILE = '<b>x</b>';
const t = useTestApp();
const browser = useBrowser();
const visitors: Record<'complaint' | 'booking' | 'volunteer', DirectLineClient | null> = { complaint: null, booking: null, volunteer: null };
let bookingDay = '';

/** A web chat visitor who has said hello (so the conversation exists, in Arabic). */
async function visitor(name: string): Promise<{ dl: DirectLineClient; contactId: string | null }> {
  const dl = await DirectLineClient.start(t().url, `${name}-${Math.random().toString(36).slice(2)}`);
  await dl.say('السلام عليكم');
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  return { dl, contactId: conversation?.contactId ?? null };
}

beforeAll(async () => {
  const store = t().app.store;
  await store.staff.create({ email: OFFICER.email, passwordHash: await hashPassword(OFFICER.password), role: 'officer', displayName: 'ريم', active: true });
  await store.staff.create({ email: RESEARCHER.email, passwordHash: await hashPassword(RESEARCHER.password), role: 'researcher', displayName: 'نورة', active: true });

  const complainer = await visitor('complainer');
  visitors.complaint = complainer.dl;
  await store.feedback.create({ contactId: complainer.contactId, conversationId: complainer.dl.conversationId, channel: 'webchat', kind: 'complaint', category: 'staff', text: HOSTILE });
  const suggester = await visitor('suggester');
  await store.feedback.create({ contactId: suggester.contactId, conversationId: suggester.dl.conversationId, channel: 'webchat', kind: 'suggestion', category: 'digital', text: 'ليت المحادثة تدعم الصور' });

  const booker = await visitor('booker');
  visitors.booking = booker.dl;
  const calendar = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).booking;
  bookingDay = bookableDays(Date.now(), calendar)[0] ?? '';
  await store.bookings.reserve({ contactId: booker.contactId, conversationId: booker.dl.conversationId, channel: 'webchat', kind: 'interview', day: bookingDay, window: '0900-1100', phone: null }, 4);

  const helper = await visitor('helper');
  visitors.volunteer = helper.dl;
  await store.volunteers.create({
    contactId: helper.contactId,
    conversationId: helper.dl.conversationId,
    channel: 'webchat',
    name: 'سارة القحطاني',
    phone: '+966551112233',
    city: 'khobar',
    field: 'awareness',
    fieldDetails: null,
    availability: 'weekends',
  });
});

const signIn = (b: Browser, who: { email: string; password: string }): Promise<Page> => consolePage(b, t().url, who);

/** Collects the page's CSP refusals and dialogs; both must stay empty. */
function watch(page: Page): { refused: string[]; dialogs: string[] } {
  const seen = { refused: [] as string[], dialogs: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) seen.refused.push(message.text());
  });
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

describe('the Feedback, Bookings and Volunteers views', () => {
  it('shows an officer an open complaint highlighted, its markup as text, and answers it', async () => {
    const page = await signIn(browser(), OFFICER);
    const seen = watch(page);
    // The count of open complaints is on the tab from sign-in on.
    await page.locator('#feedback-count', { hasText: '1' }).waitFor({ timeout: 10_000 });
    await page.locator('#tab-feedback', { hasText: 'الاقتراحات والشكاوى' }).click();

    const complaint = page.locator('.feedback-item[data-kind="complaint"]');
    await complaint.waitFor({ timeout: 10_000 });
    expect(await complaint.getAttribute('data-open-complaint')).toBe('true');
    expect(await complaint.locator('.fb-open-tag').textContent()).toBe('شكوى مفتوحة');
    expect(await complaint.evaluate((node) => getComputedStyle(node, '::before').backgroundColor)).toBe('rgb(180, 35, 24)');
    const suggestion = page.locator('.feedback-item[data-kind="suggestion"]');
    expect(await suggestion.getAttribute('data-open-complaint')).toBe('false');
    expect(await suggestion.evaluate((node) => getComputedStyle(node, '::before').content)).toBe('none');
    // Open complaints come first.
    expect(await page.locator('.feedback-item').first().getAttribute('data-kind')).toBe('complaint');

    await complaint.click();
    await page.locator('#feedback-text', { hasText: HOSTILE }).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#feedback-text')).toBe(HOSTILE);
    expect(await page.locator('#panel-feedback b').count()).toBe(0);
    expect(await page.textContent('#feedback-meta')).toContain('تعامل الموظفين');

    // A reply is required, then it goes.
    await page.click('#feedback-send');
    await page.locator('#feedback-reply-error', { hasText: 'اكتب الرد' }).waitFor();
    await page.fill('#feedback-reply-text', 'نعتذر منك، وسنتابع الموضوع مع الموظف المعني.');
    await page.click('#feedback-send');
    await page.locator('#feedback-note', { hasText: 'أُرسل الرد' }).waitFor({ timeout: 10_000 });
    await page.locator('#feedback-answer-text', { hasText: 'نعتذر منك' }).waitFor();
    expect(await page.textContent('#feedback-answer-by')).toContain('ريم');
    expect(await page.locator('#feedback-reply-form').isHidden()).toBe(true);
    await page.locator('.feedback-item[data-kind="complaint"][data-open-complaint="false"]').waitFor({ timeout: 10_000 });
    expect(await complaint.locator('.fb-open-tag').count()).toBe(0);
    await page.locator('#feedback-count').waitFor({ state: 'hidden', timeout: 10_000 });

    const reply = await chatSays(visitors.complaint as DirectLineClient, 'نعتذر منك');
    expect(reply.text).toMatch(/^رد الجمعية على شكواك رقم \d{4}-\d{4}:\nنعتذر منك/);

    await page.click('#lang');
    await page.locator('#tab-feedback', { hasText: 'Feedback' }).waitFor();
    await page.locator('#feedback-answer-by', { hasText: 'replied on' }).waitFor();
    expect(seen).toEqual({ refused: [], dialogs: [] });
  }, 60_000);

  it('groups bookings by day in both calendars, and confirms one from its card', async () => {
    const page = await signIn(browser(), OFFICER);
    const seen = watch(page);
    await page.click('#tab-bookings');
    const day = page.locator('.bk-day-title').first();
    await day.waitFor({ timeout: 10_000 });
    expect(await day.textContent()).toBe(formatDay(bookingDay, 'ar'));
    const card = page.locator('.bk-item').first();
    expect(await card.locator('.bk-window').textContent()).toBe('9:00 ص – 11:00 ص');

    await card.locator('button[data-action="move"]').click();
    const windows = card.locator('select[name="window"] option');
    await windows.nth(1).waitFor({ state: 'attached', timeout: 10_000 });
    expect(await windows.nth(1).textContent()).toContain('متاح');
    await card.locator('button[data-action="close"]').click();

    await card.locator('button[data-action="confirm"]').click();
    await card.locator('textarea[name="note"]').fill('أحضر صورة الهوية');
    await card.locator('.bk-form button[type="submit"]').click();
    await page.locator('#bookings-note', { hasText: 'تم تأكيد الموعد' }).waitFor({ timeout: 10_000 });
    await page.locator('.bk-item[data-status="confirmed"] .bk-status', { hasText: 'مؤكد' }).waitFor({ timeout: 10_000 });
    expect((await chatSays(visitors.booking as DirectLineClient, 'تم تأكيد موعدك')).text).toContain('أحضر صورة الهوية');
    expect(seen).toEqual({ refused: [], dialogs: [] });
  }, 60_000);

  it('saves a volunteer’s status and note from the table, and shows the mobile on asking', async () => {
    const page = await signIn(browser(), OFFICER);
    const seen = watch(page);
    await page.click('#tab-volunteers');
    const row = page.locator('.vol-row').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('الخبر');
    await row.locator('button[data-action="phone"]').click();
    await row.locator('.vol-phone', { hasText: '+966551112233' }).waitFor({ timeout: 10_000 });
    await row.locator('select.vol-status').selectOption('contacted');
    await row.locator('input.vol-note-input').fill('اتصلت بها مساءً');
    await row.locator('button[data-action="save"]').click();
    await page.locator('#volunteers-note', { hasText: 'وسيُبلَّغ' }).waitFor({ timeout: 10_000 });
    await page.locator('.vol-row[data-status="contacted"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.vol-row input.vol-note-input').inputValue()).toBe('اتصلت بها مساءً');
    await chatSays(visitors.volunteer as DirectLineClient, 'اطّلع فريق التطوع');
    expect(seen).toEqual({ refused: [], dialogs: [] });
  }, 60_000);

  it('has no Volunteers tab for a researcher, and shows them feedback without a reply form', async () => {
    const page = await signIn(browser(), RESEARCHER);
    expect(await page.locator('#tab-volunteers').isHidden()).toBe(true);
    await page.goto(`${t().url}/staff/#volunteers`);
    await page.locator('#panel-inbox').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#panel-volunteers').isHidden()).toBe(true);

    await page.click('#tab-feedback');
    await page.locator('.feedback-item[data-kind="suggestion"]').click({ timeout: 10_000 });
    await page.locator('#feedback-text', { hasText: 'ليت المحادثة' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#feedback-reply-form').isHidden()).toBe(true);
    expect(await page.locator('#feedback-readonly').isVisible()).toBe(true);
  }, 30_000);
});
