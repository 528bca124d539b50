import type { Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/staff/password.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The staff console in headless Chromium, against the real app: a web chat visitor asks for a person,
 * a social researcher sees it arrive live, claims it and replies; the visitor sees the reply and
 * answers; the researcher sees the answer and resolves; the bot is back. Then a request's status
 * changed in the console reaches the beneficiary's chat.
 */
const RESEARCHER = { email: 'noura@injab.test', password: 'a researcher password' };
const t = useTestApp();
const browser = useBrowser();

beforeAll(async () => {
  await t().app.store.staff.create({ email: RESEARCHER.email, passwordHash: await hashPassword(RESEARCHER.password), role: 'researcher', displayName: 'نورة', active: true });
});

async function visitor(): Promise<Page> {
  const page = await (await browser().newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(t().url);
  return page;
}

async function visitorSays(page: Page, text: string): Promise<void> {
  await page.fill('#input', text);
  await page.keyboard.press('Enter');
}

async function console_(): Promise<Page> {
  const page = await (await browser().newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${t().url}/staff`);
  expect(await page.getAttribute('html', 'dir')).toBe('rtl');
  await page.fill('#email', RESEARCHER.email);
  await page.fill('#password', RESEARCHER.password);
  await page.click('#signin');
  await page.locator('#user-name', { hasText: 'نورة' }).waitFor({ timeout: 10_000 });
  return page;
}

describe('the staff console', () => {
  it('takes a conversation from the waiting list to resolved, with messages both ways', async () => {
    const staff = await console_();
    const chat = await visitor();
    await visitorSays(chat, 'ابي اكلم موظف');
    await chat.locator('.msg[data-role="bot"]', { hasText: 'الباحث الاجتماعي' }).first().waitFor({ timeout: 10_000 });

    // It arrives in the waiting list without a reload.
    const item = staff.locator('.handoff-item[data-status="waiting"]').first();
    await item.waitFor({ timeout: 10_000 });
    await item.click();
    await staff.click('#claim');
    await staff.fill('#reply-text', 'أهلًا، معك نورة من فريق البحث الاجتماعي');
    await staff.click('#reply-send');
    await chat.locator('.msg[data-role="bot"]', { hasText: 'معك نورة' }).waitFor({ timeout: 10_000 });
    // Web chat's wire is the transcript, so the reply is marked sent (✓), in words for screen readers.
    const sentMark = staff.locator('#transcript .msg[data-author="staff"]', { hasText: 'معك نورة' }).locator('.msg-delivery[data-state="sent"]');
    await sentMark.waitFor({ timeout: 10_000 });
    expect(await sentMark.getAttribute('title')).toBe('أُرسلت');
    expect(await sentMark.locator('.sr-only').textContent()).toBe('أُرسلت');

    await visitorSays(chat, 'ابي اعرف وش المطلوب للتقديم');
    await staff.locator('#transcript .msg[data-author="beneficiary"]', { hasText: 'وش المطلوب للتقديم' }).waitFor({ timeout: 10_000 });

    await staff.click('#resolve');
    // The click reaches the server a moment later: wait for the handoff to be resolved, then for the bot to be back.
    const botIsBack = async (): Promise<boolean> => {
      const conversationId = (await t().app.store.handoffs.list({ status: 'resolved' }))[0]?.conversationId;
      return conversationId !== undefined && (await t().app.store.conversations.get(conversationId))?.status === 'bot';
    };
    for (let i = 0; i < 100 && !(await botIsBack()); i += 1) await staff.waitForTimeout(100);
    expect(await botIsBack()).toBe(true);
    await visitorSays(chat, 'كم مدة الرد على الطلب؟');
    await chat.locator('.msg[data-role="bot"]', { hasText: 'أسبوعين' }).waitFor({ timeout: 10_000 });
  }, 60_000);

  it('keeps a private note in the console, out of the visitor\'s chat, and opens the beneficiary\'s request from the conversation', async () => {
    const chat = await visitor();
    await visitorSays(chat, 'ابي اكلم موظف');
    await chat.locator('.msg[data-role="bot"]', { hasText: 'الباحث الاجتماعي' }).first().waitFor({ timeout: 10_000 });
    const [conversation] = await t().app.store.conversations.list({ channel: 'webchat', limit: 1 });
    const handoff = conversation ? await t().app.store.handoffs.findOpenByConversation(conversation.id) : null;
    if (!conversation?.contactId || !handoff) throw new Error('the visitor has no open handoff');
    const request = await t().app.store.supportRequests.create({
      contactId: conversation.contactId,
      conversationId: conversation.id,
      channel: 'webchat',
      status: 'needs_documents',
      answers: { applicant_name: 'سعاد ناصر القحطاني' },
      declaration: null,
      applicantKeys: [],
      submittedAt: new Date(),
    });

    const staff = await console_();
    await staff.goto(`${t().url}/staff#inbox/${handoff.id}`);
    await staff.locator('#conversation-title').waitFor({ timeout: 10_000 });
    const listed = staff.locator(`#conversation-requests .conversation-request[data-id="${request.id}"]`);
    await listed.waitFor({ timeout: 10_000 });
    expect(await listed.innerText()).toContain(request.reference);
    expect(await listed.innerText()).toContain('بانتظار مستندات');

    const note = 'ملاحظة للفريق: تواصلت معنا سابقًا بخصوص التقارير الطبية';
    await staff.check('#reply-note');
    await staff.fill('#reply-text', note);
    await staff.click('#reply-send');
    const shown = staff.locator('#transcript .msg[data-author="staff"][data-private="true"]', { hasText: 'التقارير الطبية' });
    await shown.waitFor({ timeout: 10_000 });
    expect(await shown.innerText()).toContain('ملاحظة خاصة');

    // A reply after the note reaches the chat; the note never does.
    await staff.uncheck('#reply-note');
    await staff.fill('#reply-text', 'أهلًا، معك نورة');
    await staff.click('#reply-send');
    await chat.locator('.msg[data-role="bot"]', { hasText: 'معك نورة' }).waitFor({ timeout: 10_000 });
    expect(await chat.locator('.msg', { hasText: 'التقارير الطبية' }).count()).toBe(0);
    expect(await chat.locator('body').innerText()).not.toContain('ملاحظة للفريق');

    await listed.click();
    await staff.locator('#answers', { hasText: 'سعاد ناصر القحطاني' }).waitFor({ timeout: 10_000 });
    expect(await staff.getAttribute('#tab-requests', 'aria-selected')).toBe('true');
  }, 60_000);

  it('changes a request\'s status, and the beneficiary hears of it in their chat', async () => {
    const chat = await visitor();
    await visitorSays(chat, 'السلام عليكم');
    await chat.locator('.msg[data-role="bot"]').first().waitFor({ timeout: 10_000 });
    const [conversation] = await t().app.store.conversations.list({ channel: 'webchat', limit: 1 });
    const request = await t().app.store.supportRequests.create({
      contactId: conversation?.contactId ?? 'contact',
      conversationId: conversation?.id ?? null,
      channel: 'webchat',
      status: 'submitted',
      answers: { applicant_name: 'خالد سعد الدوسري' },
      declaration: { version: '2026-11-v1', at: new Date(), channel: 'webchat' },
      applicantKeys: [],
      submittedAt: new Date(),
    });

    const staff = await console_();
    await staff.click('#tab-requests');
    await staff.locator(`.request-item[data-id="${request.id}"]`).click();
    await staff.locator('#answers', { hasText: 'خالد سعد الدوسري' }).waitFor({ timeout: 10_000 });
    await staff.selectOption('#status-select', 'under_review');
    await staff.click('#status-save');
    await chat.locator('.msg[data-role="bot"]', { hasText: request.reference }).waitFor({ timeout: 10_000 });
    expect(await chat.locator('.msg[data-role="bot"]', { hasText: request.reference }).innerText()).toContain('قيد الدراسة');
  }, 60_000);
});
