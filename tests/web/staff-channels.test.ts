import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createWhatsAppWebChannel } from '../../adapters/whatsapp-web/whatsapp-web-channel.js';
import { useBrowser } from '../helpers/browser.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The Channels view in headless Chromium: an admin opens it while WhatsApp Web waits to be linked,
 * sees the QR (under the console's CSP) with the steps on the phone, and sees the session connect.
 */
class FakeClient extends EventEmitter {
  async initialize(): Promise<void> {}
  async destroy(): Promise<void> {}
  async sendMessage(): Promise<{ id: string }> {
    return { id: 'sent' };
  }
}

const ADMIN = { email: 'admin@injab.test', password: 'an admin password' };
const fake = new FakeClient();
const t = useTestApp({
  env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
  channels: [
    (deps) =>
      createWhatsAppWebChannel({ ...deps, config: { ...deps.config, whatsappWeb: { enabled: true, chromiumPath: '/nonexistent' } } }, { createClient: () => fake }),
  ],
});
const browser = useBrowser();

describe('the Channels view', () => {
  it('shows the admin the WhatsApp Web pairing QR, then the session connected', async () => {
    const page = await (await browser().newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text());
    });
    await page.goto(`${t().url}/staff`);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await page.click('#signin');
    await page.locator('#tab-channels', { hasText: 'القنوات' }).click({ timeout: 10_000 });

    const card = page.locator('.channel-card[data-channel="whatsapp-web"]');
    await card.waitFor({ timeout: 10_000 });
    await page.locator('.channel-card[data-channel="webchat"] .channel-badge', { hasText: 'متصلة' }).waitFor();

    fake.emit('qr', '2@pairing-payload-for-the-browser-test,abcdefghijklmnop==');
    const qr = card.locator('img.channel-qr');
    await qr.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await card.locator('.channel-badge').textContent()).toBe('بانتظار الربط');
    expect(await card.textContent()).toContain('واتساب ← الأجهزة المرتبطة ← ربط جهاز');
    expect(await page.content()).not.toContain('pairing-payload-for-the-browser-test');

    await page.click('#lang');
    await card.getByText('WhatsApp → Linked devices → Link a device', { exact: false }).waitFor();

    fake.emit('ready');
    await card.locator('.channel-badge', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    expect(await qr.isVisible()).toBe(false);
    expect(refused.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  }, 60_000);
});
