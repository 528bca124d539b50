import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/staff/password.js';
import type { SurveyFollowUp } from '../../src/store/types.js';
import { useBrowser } from '../helpers/browser.js';
import { consolePage } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The Satisfaction view in headless Chromium: an officer sees the month's figures and charts (under
 * the console's CSP), reads a low rating's comment as text — markup in it is never run — and closes
 * the follow-up with a note. A researcher has no such tab.
 */
const OFFICER = { email: 'reem@injab.test', password: 'an officer password' };
const RESEARCHER = { email: 'noura@injab.test', password: 'a researcher password' };
const HOSTILE = '<img src=x onerror=alert(1)>';
const t = useTestApp();
const browser = useBrowser();
let officerId = '';

beforeAll(async () => {
  const store = t().app.store;
  officerId = (await store.staff.create({ email: OFFICER.email, passwordHash: await hashPassword(OFFICER.password), role: 'officer', displayName: 'ريم', active: true })).id;
  const researcher = await store.staff.create({ email: RESEARCHER.email, passwordHash: await hashPassword(RESEARCHER.password), role: 'researcher', displayName: 'نورة', active: true });
  const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
  const open: SurveyFollowUp = { state: 'open', openedAt: hourAgo, doneBy: null, doneAt: null, note: null };
  const surveys = [
    { rating: 5, channel: 'webchat', followUp: null, comment: null },
    { rating: 4, channel: 'telegram', followUp: null, comment: null },
    { rating: 1, channel: 'webchat', followUp: open, comment: HOSTILE },
    { rating: null, channel: 'webchat', followUp: null, comment: null },
  ];
  for (const [i, s] of surveys.entries()) {
    await store.surveys.create({
      contactId: `contact-${i}`,
      conversationId: `conversation-${i}`,
      milestone: `handoff:browser-${i}`,
      channel: s.channel,
      staffId: researcher.id,
      rating: s.rating,
      comment: s.comment,
      sentAt: hourAgo,
      answeredAt: s.rating === null ? null : hourAgo,
      followUp: s.followUp,
    });
  }
});

const signIn = (b: Browser, who: { email: string; password: string }): Promise<Page> => consolePage(b, t().url, who);

describe('the Satisfaction view', () => {
  it('shows an officer the figures, a hostile comment as text, and closes its follow-up with a note', async () => {
    const page = await signIn(browser(), OFFICER);
    const refused: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.locator('#tab-satisfaction', { hasText: 'الرضا' }).click({ timeout: 10_000 });

    // Headline figures: 4 sent, 3 answered, 75 %, an average of (5 + 4 + 1) / 3 = 3.3.
    await page.locator('#sat-average', { hasText: '3.3' }).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#sat-sent')).toBe('4');
    expect(await page.textContent('#sat-answered')).toBe('3');
    expect(await page.textContent('#sat-rate')).toContain('75');
    expect(await page.locator('#sat-monthly svg rect.sat-bar').count()).toBe(6);
    expect(await page.locator('#sat-distribution svg rect.sat-dist').count()).toBe(5);
    // The charts' figures for screen readers.
    expect(await page.locator('#sat-monthly table.sr-only').textContent()).toContain('3.3');
    expect(await page.locator('#sat-distribution table.sr-only tbody tr').count()).toBe(5);
    expect(await page.locator('#sat-staff tbody').textContent()).toContain('نورة');
    expect(await page.locator('#sat-channels tbody').textContent()).toContain('تيليجرام');

    // The comment is shown as the beneficiary typed it, never as markup.
    const item = page.locator('#followups-open .followup[data-state="open"]');
    await item.waitFor({ timeout: 10_000 });
    expect(await item.locator('blockquote').textContent()).toBe(HOSTILE);
    expect(await page.locator('#panel-satisfaction img').count()).toBe(0);
    expect(await item.locator('.followup-staff').textContent()).toContain('نورة');

    // A note is required.
    await item.locator('button[type="submit"]').click();
    await item.locator('.form-error', { hasText: 'اكتب ملاحظة' }).waitFor();
    await item.locator('textarea').fill('اتصلت بالمستفيد واعتذرت، وحُلّت المشكلة');
    await item.locator('button[type="submit"]').click();
    await page.locator('#followups-status', { hasText: 'سُجّلت المتابعة' }).waitFor({ timeout: 10_000 });
    await page.locator('#followups-open-empty').waitFor({ state: 'visible', timeout: 10_000 });
    const survey = (await t().app.store.surveys.list({ followUp: 'done' }))[0];
    expect(survey?.followUp).toMatchObject({ state: 'done', doneBy: officerId, note: 'اتصلت بالمستفيد واعتذرت، وحُلّت المشكلة' });

    // Done ones show on asking, with who closed them and the note.
    await page.check('#followups-show-done');
    const done = page.locator('#followups-done .followup[data-state="done"]');
    await done.waitFor({ timeout: 10_000 });
    expect(await done.locator('.followup-done').textContent()).toContain('ريم');
    expect(await done.locator('.followup-note').textContent()).toContain('اتصلت بالمستفيد');
    expect(await done.locator('blockquote').textContent()).toBe(HOSTILE);

    await page.click('#lang');
    await page.locator('#tab-satisfaction', { hasText: 'Satisfaction' }).waitFor();
    await page.locator('#sat-average', { hasText: 'out of 5' }).waitFor();
    await done.locator('.followup-done', { hasText: 'Followed up by' }).waitFor();

    expect(dialogs).toEqual([]);
    expect(refused.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    const audited = await t().app.store.audit.list({ actor: `staff:${officerId}` });
    expect(audited.map((e) => e.action)).toEqual(expect.arrayContaining(['report.satisfaction_viewed', 'survey.followups_viewed', 'survey.followup_done']));
  }, 60_000);

  it('has no Satisfaction tab for a researcher, even by address', async () => {
    const page = await signIn(browser(), RESEARCHER);
    expect(await page.locator('#tab-satisfaction').isHidden()).toBe(true);
    await page.goto(`${t().url}/staff/#satisfaction`);
    await page.locator('#panel-inbox').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#panel-satisfaction').isHidden()).toBe(true);
  }, 30_000);
});
