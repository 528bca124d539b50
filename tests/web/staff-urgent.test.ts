import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/staff/password.js';
import { useBrowser } from '../helpers/browser.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** A beneficiary in severe distress shows in the console's inbox, first and marked «عاجل», live. */
const RESEARCHER = { email: 'huda@injab.test', password: 'a researcher password' };
const t = useTestApp();
const browser = useBrowser();

beforeAll(async () => {
  await t().app.store.staff.create({ email: RESEARCHER.email, passwordHash: await hashPassword(RESEARCHER.password), role: 'researcher', displayName: 'هدى', active: true });
});

describe('the staff console and urgent conversations', () => {
  it('puts the urgent label on the item, first in the waiting list, and in the conversation header', async () => {
    const ordinary = await DirectLineClient.start(t().url, 'ordinary');
    await ordinary.say('ابي اكلم موظف');
    const page = await (await browser().newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await page.goto(`${t().url}/staff`);
    await page.fill('#email', RESEARCHER.email);
    await page.fill('#password', RESEARCHER.password);
    await page.click('#signin');
    await page.locator('#user-name', { hasText: 'هدى' }).waitFor({ timeout: 10_000 });

    const distressed = await DirectLineClient.start(t().url, 'distressed');
    await distressed.say('ودي اموت، تعبت من الحياة');

    // Heard live: no reload.
    const urgent = page.locator('.handoff-item.urgent');
    await urgent.waitFor({ timeout: 10_000 });
    expect(await urgent.locator('.badge.urgent').textContent()).toBe('عاجل');
    expect(await page.locator('.handoff-item').first().getAttribute('class')).toContain('urgent');
    expect(await page.locator('.handoff-item').count()).toBe(2);

    await urgent.click();
    await page.locator('#conversation-title .badge.urgent', { hasText: 'عاجل' }).waitFor({ timeout: 10_000 });
  }, 60_000);
});
