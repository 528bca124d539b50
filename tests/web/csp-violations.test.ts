import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { staffClient } from '../helpers/staff-client.js';
import { useBrowser } from '../helpers/browser.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The pages live under a strict Content-Security-Policy (no inline script or style). In headless
 * Chromium, the console — every tab an admin has — and the chat page load and work with zero
 * violations: a violation here would be a broken feature in production.
 */
const t = useTestApp();
const browser = useBrowser();
const staff = staffClient(t);

/** Records every CSP violation the page reports, and every console error that names the policy. */
async function watch(page: Page): Promise<() => Promise<string[]>> {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => [...errors, ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []))];
}

describe('pages under the strict CSP', () => {
  it('loads the console and opens every admin tab with no CSP violation', async () => {
    const admin = { email: 'csp-admin@injab.test', password: 'an admin password' };
    await staff.account('admin', { ...admin, displayName: 'مدير' });
    const context = await browser().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const violations = await watch(page);
    await page.goto(`${t().url}/staff`);
    const response = await page.reload();
    expect(response?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await page.click('#signin');
    await page.locator('#user-name').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
    const tabs = await page.locator('[role="tab"]:visible').all();
    expect(tabs.length).toBeGreaterThanOrEqual(8);
    for (const tab of tabs) {
      await tab.click();
      await page.waitForTimeout(300);
    }
    await page.click('#lang');
    await page.waitForTimeout(300);
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('loads the chat page and answers a message with no CSP violation', async () => {
    const context = await browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const violations = await watch(page);
    await page.goto(t().url);
    await page.fill('#input', 'السلام عليكم');
    await page.keyboard.press('Enter');
    await page.locator('.msg[data-role="bot"]').first().waitFor({ timeout: 10_000 });
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('notices a violation when there is one (the watcher works)', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const violations = await watch(page);
    await page.goto(`${t().url}/staff/`);
    // An attacker's injected markup: inline script and style are refused by the policy.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { background: red }';
      document.head.append(style);
    });
    await page.waitForTimeout(200);
    expect((await violations()).join('\n')).toMatch(/style-src/);
    await context.close();
  });

  it('will not show the console inside another site’s frame, but shows the chat page framed by its own origin', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.setContent(`<iframe id="f" src="${t().url}/staff/"></iframe>`);
    await page.waitForTimeout(1000);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    expect(await framed?.locator('#email').count().catch(() => 0)).toBe(0);
    await page.goto(`${t().url}/`);
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
    }, `${t().url}/?embed=1`);
    await page.waitForTimeout(1000);
    const chat = page.frames().find((f) => f !== page.mainFrame());
    expect(await chat?.locator('#input').count()).toBe(1);
    await context.close();
  });
});

