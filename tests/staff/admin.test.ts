import { describe, expect, it } from 'vitest';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** The admin's part: staff accounts, roles and the audit log; and the OpenAPI document of the staff API. */
const ADMIN = { email: 'admin@injab.test', password: 'an admin password' };
const t = useTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });

// Signing in is judged by each test (a deactivated account must get 401), so it reports the status.
const { session: signIn, api } = staffClient(t);

describe('staff accounts', () => {
  it('lets the admin create a researcher who can sign in but may not manage accounts or read the audit log', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const created = await api('/staff/api/staff', admin.cookie, { method: 'POST', body: { email: 'Sara@Injab.test', displayName: 'سارة', role: 'researcher', password: 'a long password' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ email: 'sara@injab.test', role: 'researcher', active: true });
    const researcher = await signIn('sara@injab.test', 'a long password');
    expect(researcher.status).toBe(200);
    expect((await api('/staff/api/staff', researcher.cookie)).status).toBe(403);
    expect((await api('/staff/api/audit', researcher.cookie)).status).toBe(403);
    const audit = (await (await api('/staff/api/audit', admin.cookie)).json()) as { items: { action: string }[] };
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['staff.created', 'staff.signed_in']));
  });

  it('refuses a duplicate email, a short password, and an admin demoting themselves', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const body = { email: 'dup@injab.test', displayName: 'D', role: 'officer', password: 'a long password' };
    expect((await api('/staff/api/staff', admin.cookie, { method: 'POST', body })).status).toBe(201);
    expect((await api('/staff/api/staff', admin.cookie, { method: 'POST', body })).status).toBe(409);
    const short = await api('/staff/api/staff', admin.cookie, { method: 'POST', body: { ...body, email: 'x@injab.test', password: 'short' } });
    expect(short.status).toBe(400);
    const me = (await (await api('/staff/api/me', admin.cookie)).json()) as { id: string };
    expect((await api(`/staff/api/staff/${me.id}`, admin.cookie, { method: 'PATCH', body: { active: false } })).status).toBe(409);
  });

  it('keeps a deactivated account out', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const created = (await (await api('/staff/api/staff', admin.cookie, { method: 'POST', body: { email: 'gone@injab.test', displayName: 'G', role: 'researcher', password: 'a long password' } })).json()) as { id: string };
    const session = await signIn('gone@injab.test', 'a long password');
    expect((await api(`/staff/api/staff/${created.id}`, admin.cookie, { method: 'PATCH', body: { active: false } })).status).toBe(200);
    expect((await api('/staff/api/me', session.cookie)).status).toBe(401);
    expect((await signIn('gone@injab.test', 'a long password')).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('describes every core route of the staff API', async () => {
    const doc = (await (await fetch(`${t().url}/staff/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      'POST /staff/api/session',
      'DELETE /staff/api/session',
      'GET /staff/api/handoffs',
      'GET /staff/api/handoffs/{id}',
      'POST /staff/api/handoffs/{id}/claim',
      'POST /staff/api/handoffs/{id}/messages',
      'POST /staff/api/handoffs/{id}/resolve',
      'GET /staff/api/requests',
      'GET /staff/api/requests/{id}',
      'POST /staff/api/requests/{id}/status',
      'GET /staff/api/audit',
      'GET /staff/api/events',
    ]) {
      expect(routes).toContain(route);
    }
  });
});
