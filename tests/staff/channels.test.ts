import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createWhatsAppWebChannel } from '../../adapters/whatsapp-web/whatsapp-web-channel.js';
import { hashPassword } from '../../src/staff/password.js';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The admins' Channels view: each channel's connection state from the shared status board, and the
 * WhatsApp Web pairing QR as a picture (never its payload), audited.
 */
class FakeClient extends EventEmitter {
  async initialize(): Promise<void> {}
  async destroy(): Promise<void> {}
  async sendMessage(): Promise<{ id: string }> {
    return { id: 'sent' };
  }
}

const ADMIN = { email: 'admin@injab.test', password: 'an admin password' };
const RESEARCHER = { email: 'huda@injab.test', password: 'a researcher password' };
const QR = '2@pairing-secret-payload,abcdefghijklmnop,qrstuvwxyz0123456789==';
const fake = new FakeClient();
const t = useTestApp({
  env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
  channels: [
    (deps) =>
      createWhatsAppWebChannel(
        { ...deps, config: { ...deps.config, whatsappWeb: { enabled: true, chromiumPath: '/nonexistent' } } },
        { createClient: () => fake, backoff: { initialMs: 1000, maxMs: 1000 } },
      ),
  ],
});

beforeAll(async () => {
  await t().app.store.staff.create({ email: RESEARCHER.email, passwordHash: await hashPassword(RESEARCHER.password), role: 'researcher', displayName: 'هدى', active: true });
});

const { signIn } = staffClient(t);

type Item = { channel: string; state: string; since?: string; detail?: string; qrSvg?: string };

async function channels(cookie: string): Promise<{ items: Item[]; raw: string; response: Response }> {
  const response = await fetch(`${t().url}/staff/api/channels`, { headers: { cookie } });
  const raw = await response.text();
  return { items: (JSON.parse(raw) as { items: Item[] }).items, raw, response };
}

async function whatsappWeb(cookie: string): Promise<Item | undefined> {
  return (await channels(cookie)).items.find((item) => item.channel === 'whatsapp-web');
}

describe('GET /staff/api/channels', () => {
  it('shows the admin the web chat as connected and WhatsApp Web connecting', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const { items, response } = await channels(admin);
    expect(response.status).toBe(200);
    expect(items[0]).toMatchObject({ channel: 'webchat', state: 'connected' });
    await vi.waitFor(async () => expect(await whatsappWeb(admin)).toMatchObject({ state: 'connecting' }), { timeout: 5000 });
  });

  it('renders the pairing QR as SVG, never sends its payload, and audits the view once per QR', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    fake.emit('qr', QR);
    await vi.waitFor(async () => expect(await whatsappWeb(admin)).toMatchObject({ state: 'pairing' }), { timeout: 5000 });
    const { items, raw, response } = await channels(admin);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const pairing = items.find((item) => item.channel === 'whatsapp-web');
    expect(pairing?.qrSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox=/);
    expect(raw).not.toContain('pairing-secret-payload');
    expect(raw).not.toContain('"qr"');
    const audited = await t().app.store.audit.list({ subjectType: 'channel', limit: 50, offset: 0 });
    expect(audited.filter((e) => e.action === 'channel.qr_viewed')).toHaveLength(1);
    expect(audited[0]).toMatchObject({ subjectId: 'whatsapp-web', details: {} });
  });

  it('follows the session: connected, then disconnected with its reason, then reconnecting', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    fake.emit('ready');
    await vi.waitFor(async () => expect(await whatsappWeb(admin)).toMatchObject({ state: 'connected' }), { timeout: 5000 });
    expect(await whatsappWeb(admin)).not.toHaveProperty('qrSvg');
    fake.emit('disconnected', 'LOGOUT');
    expect(await whatsappWeb(admin)).toMatchObject({ state: 'disconnected', detail: 'LOGOUT' });
    await vi.waitFor(async () => expect(await whatsappWeb(admin)).toMatchObject({ state: 'connecting', detail: 'reconnecting' }), { timeout: 5000 });
  });

  it('answers 403 in the API\'s error format to a researcher, and 401 without a session', async () => {
    const researcher = await signIn(RESEARCHER.email, RESEARCHER.password);
    const refused = await fetch(`${t().url}/staff/api/channels`, { headers: { cookie: researcher } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
    expect((await fetch(`${t().url}/staff/api/channels`)).status).toBe(401);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t().url}/staff/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    expect(doc.paths['/staff/api/channels']?.['get']?.description).toBe('Role: admin.');
  });
});
