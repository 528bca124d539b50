import { describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser.js';
import { consolePage, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * In the console, a colleague who is not the beneficiary's researcher sees the request with its
 * medical answers and report marked «محجوبة — للباحث المسند فقط» (Withheld — assigned researcher
 * only), in both languages, and no link to the report; the assigned researcher sees them.
 */
const t = useTestApp();
const browser = useBrowser();
const staff = staffClient(t);

async function requestWithMedicalData() {
  const { store } = t().app;
  const contact = await store.contacts.create({ locale: 'ar', displayName: null });
  const conversation = await store.conversations.create({ channel: 'webchat', externalId: `withheld-${Math.random()}`, contactId: contact.id });
  const report = await store.files.put({ name: 'تقرير العيادة.pdf', contentType: 'application/pdf', conversationId: conversation.id, bytes: Buffer.from('%PDF-1.4 report') });
  const request = await store.supportRequests.create({
    contactId: contact.id,
    conversationId: conversation.id,
    channel: 'webchat',
    status: 'submitted',
    answers: { applicant_name: 'خالد سعد الدوسري', treatment: 'ivf_icsi', treatment_attempts: 2 },
    declaration: null,
    applicantKeys: [],
    submittedAt: new Date(),
  });
  await store.supportRequests.update(request.id, {
    documents: [{ kind: 'medical_reports', fileId: report.id, name: report.name, contentType: report.contentType, size: report.size, receivedAt: new Date() }],
  });
  return { request, conversationId: conversation.id, contactId: contact.id };
}

describe('withheld medical data in the console', () => {
  it('shows a colleague the marker instead of the answers and the report, in Arabic and English', async () => {
    const { request } = await requestWithMedicalData();
    const who = { email: 'other-researcher@injab.test', password: 'a researcher password' };
    await staff.account('researcher', { ...who, displayName: 'سارة' });
    const page = await consolePage(browser(), t().url, who);
    await page.click('#tab-requests');
    await page.locator(`.request-item[data-id="${request.id}"]`).click();
    await page.locator('#answers', { hasText: 'خالد سعد الدوسري' }).waitFor({ timeout: 10_000 });
    const row = page.locator('#answers tr[data-field="treatment"]');
    expect(await row.getAttribute('data-withheld')).toBe('true');
    expect(await row.textContent()).toContain('محجوبة — للباحث المسند فقط');
    expect(await page.locator('#answers').textContent()).not.toContain('أطفال أنابيب');
    expect(await page.locator('#documents li[data-withheld="true"]').textContent()).toContain('محجوبة — للباحث المسند فقط');
    expect(await page.locator('#documents a.doc-link').count()).toBe(0);
    await page.click('#lang');
    await page.locator('#answers', { hasText: 'Withheld — assigned researcher only' }).waitFor({ timeout: 5000 });
    await page.context().close();
  });

  it('shows the assigned researcher the answers and a link to the report', async () => {
    const { request, conversationId, contactId } = await requestWithMedicalData();
    const who = { email: 'assigned-researcher@injab.test', password: 'a researcher password' };
    const researcher = await staff.account('researcher', { ...who, displayName: 'نورة' });
    const handoff = await t().app.store.handoffs.create({ conversationId, contactId, reason: 'user_request' });
    await t().app.store.handoffs.claim(handoff.id, researcher.id, null);
    const page = await consolePage(browser(), t().url, who);
    await page.click('#tab-requests');
    await page.locator(`.request-item[data-id="${request.id}"]`).click();
    await page.locator('#answers', { hasText: 'أطفال أنابيب' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#answers [data-withheld]').count()).toBe(0);
    expect(await page.locator('#documents a.doc-link').count()).toBe(1);
    await page.context().close();
  });
});
