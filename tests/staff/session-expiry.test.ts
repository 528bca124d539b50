import { describe, expect, it } from 'vitest';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Sessions end: 12 hours after sign-in however busy (the app's clock is moved here), and at once
 * for every device when an admin deactivates an account, changes its role or resets its password,
 * or when the staff member changes their own password.
 */
let clock = Date.parse('2026-11-26T08:00:00Z');
const t = useTestApp({ now: () => clock });
const staff = staffClient(t);
const HOUR = 60 * 60 * 1000;

const me = async (cookie: string) => (await staff.api('/staff/api/me', cookie)).status;

describe('session lifetime', () => {
  it('keeps a busy session for 12 hours after sign-in, then asks to sign in again', async () => {
    const researcher = await staff.account('researcher');
    for (let h = 0; h < 11; h += 1) {
      clock += HOUR;
      expect(await me(researcher.cookie)).toBe(200);
    }
    clock += HOUR + 1000;
    expect(await me(researcher.cookie)).toBe(401);
  });

  it('gives a cookie no longer than the sliding 8 hours', async () => {
    const { url } = t();
    await staff.account('officer', { email: 'cookie@injab.test', password: 'a long password' });
    const res = await fetch(`${url}/staff/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email: 'cookie@injab.test', password: 'a long password' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=28800/);
  });
});

describe('ending every session of an account', () => {
  async function twoDevices() {
    const email = `r-${Math.random().toString(36).slice(2)}@injab.test`;
    const first = await staff.account('researcher', { email, password: 'first long password' });
    const second = await staff.signIn(email, 'first long password');
    return { id: first.id, email, cookies: [first.cookie, second] };
  }

  it('when an admin deactivates the account (and reactivating it does not revive them)', async () => {
    const admin = await staff.account('admin');
    const r = await twoDevices();
    expect((await staff.api(`/staff/api/staff/${r.id}`, admin.cookie, { method: 'PATCH', body: { active: false } })).status).toBe(200);
    expect((await staff.api(`/staff/api/staff/${r.id}`, admin.cookie, { method: 'PATCH', body: { active: true } })).status).toBe(200);
    for (const cookie of r.cookies) expect(await me(cookie)).toBe(401);
    const audit = await t().app.store.audit.list({ subjectType: 'staff', subjectId: r.id });
    expect(audit.find((e) => e.action === 'staff.updated' && (e.details as { sessionsEnded?: number }).sessionsEnded === 2)).toBeDefined();
  });

  it('when an admin changes the role, but not when only the name changes', async () => {
    const admin = await staff.account('admin');
    const r = await twoDevices();
    expect((await staff.api(`/staff/api/staff/${r.id}`, admin.cookie, { method: 'PATCH', body: { displayName: 'Noura' } })).status).toBe(200);
    for (const cookie of r.cookies) expect(await me(cookie)).toBe(200);
    expect((await staff.api(`/staff/api/staff/${r.id}`, admin.cookie, { method: 'PATCH', body: { role: 'officer' } })).status).toBe(200);
    for (const cookie of r.cookies) expect(await me(cookie)).toBe(401);
    expect((await staff.session(r.email, 'first long password')).status).toBe(200);
  });

  it('when an admin resets the password: the old one no longer signs in, the new one does', async () => {
    const admin = await staff.account('admin');
    const r = await twoDevices();
    const short = await staff.api(`/staff/api/staff/${r.id}/password`, admin.cookie, { method: 'POST', body: { password: 'short' } });
    expect(short.status).toBe(400);
    const reset = await staff.api(`/staff/api/staff/${r.id}/password`, admin.cookie, { method: 'POST', body: { password: 'a brand new long password' } });
    expect(reset.status).toBe(204);
    for (const cookie of r.cookies) expect(await me(cookie)).toBe(401);
    expect((await staff.session(r.email, 'first long password')).status).toBe(401);
    expect((await staff.session(r.email, 'a brand new long password')).status).toBe(200);
    const audit = await t().app.store.audit.list({ subjectType: 'staff', subjectId: r.id });
    expect(audit.find((e) => e.action === 'staff.password_reset')).toMatchObject({ actor: `staff:${admin.id}`, details: { sessionsEnded: 2 } });
  });

  it('lets only an admin reset a colleague’s password', async () => {
    const officer = await staff.account('officer');
    const r = await twoDevices();
    expect((await staff.api(`/staff/api/staff/${r.id}/password`, officer.cookie, { method: 'POST', body: { password: 'a brand new long password' } })).status).toBe(403);
    expect(await me(r.cookies[0] ?? '')).toBe(200);
  });

  it('when staff change their own password: other devices are signed out, this one stays signed in', async () => {
    const r = await twoDevices();
    const [here = '', other = ''] = r.cookies;
    const wrong = await staff.api('/staff/api/me/password', here, { method: 'POST', body: { currentPassword: 'not it', newPassword: 'my new long password' } });
    expect(wrong.status).toBe(403);
    expect(await me(other)).toBe(200);
    const changed = await staff.api('/staff/api/me/password', here, { method: 'POST', body: { currentPassword: 'first long password', newPassword: 'my new long password' } });
    expect(changed.status).toBe(204);
    const fresh = (changed.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(fresh).toMatch(/^injab_staff=.+/);
    expect(await me(here)).toBe(401);
    expect(await me(other)).toBe(401);
    expect(await me(fresh)).toBe(200);
    expect((await staff.session(r.email, 'my new long password')).status).toBe(200);
  });
});
