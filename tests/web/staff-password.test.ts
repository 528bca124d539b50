import { describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser.js';
import { consolePage, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Passwords in the console: a colleague changes their own (their other devices are signed out, this
 * page stays signed in), and an admin gives a colleague a new one (shown once; their sessions end).
 */
const t = useTestApp();
const browser = useBrowser();
const staff = staffClient(t);

describe('passwords in the console', () => {
  it('lets a colleague change their own password; another device is signed out, this page is not', async () => {
    const who = { email: 'noura-pw@injab.test', password: 'the first password' };
    await staff.account('researcher', { ...who, displayName: 'نورة' });
    const otherDevice = await staff.signIn(who.email, who.password);
    const page = await consolePage(browser(), t().url, who);
    await page.click('#change-password');
    await page.fill('#current-password', who.password);
    await page.fill('#new-password', 'a second long password');
    await page.click('#password-save');
    await page.locator('#toast', { hasText: 'تغيّرت كلمة المرور' }).waitFor({ timeout: 5000 });
    expect((await staff.api('/staff/api/me', otherDevice)).status).toBe(401);
    // This page still works: the requests tab loads with its fresh session.
    await page.click('#tab-requests');
    await page.waitForTimeout(500);
    expect(await page.locator('#signin-view').isHidden()).toBe(true);
    expect((await staff.session(who.email, 'a second long password')).status).toBe(200);
    await page.context().close();
  });

  it('lets an admin give a colleague a new password, shown once, ending the colleague’s sessions', async () => {
    const admin = { email: 'admin-pw@injab.test', password: 'an admin password' };
    await staff.account('admin', { ...admin, displayName: 'المدير' });
    const colleague = await staff.account('researcher', { email: 'sara-pw@injab.test', password: 'sara first password', displayName: 'سارة' });
    const page = await consolePage(browser(), t().url, admin);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.click('#tab-staff');
    await page.locator(`.staff-reset[data-id="${colleague.id}"]`).click();
    const result = page.locator('#reset-result');
    await result.waitFor({ state: 'visible', timeout: 5000 });
    const password = (await result.locator('code.new-password').textContent()) ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await staff.api('/staff/api/me', colleague.cookie)).status).toBe(401);
    expect((await staff.session('sara-pw@injab.test', password)).status).toBe(200);
    await page.context().close();
  });
});
