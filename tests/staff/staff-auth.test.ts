import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

/** Staff sign-in over real HTTP: the session cookie, the origin check, wrong passwords and the lockout. */
const ADMIN = { email: 'admin@injab.test', password: 'correct horse battery' };
const t = useTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });

const api = (path: string, init: RequestInit & { cookie?: string; origin?: string | null } = {}) => {
  const { cookie, origin, ...rest } = init;
  const headers: Record<string, string> = rest.body === undefined ? {} : { 'content-type': 'application/json' };
  if (origin !== null) headers.origin = origin ?? t().url;
  if (cookie) headers.cookie = cookie;
  return fetch(`${t().url}${path}`, { ...rest, headers: { ...headers, ...(rest.headers as Record<string, string> | undefined) } });
};

async function signIn(email: string, password: string): Promise<Response> {
  return api('/staff/api/session', { method: 'POST', body: JSON.stringify({ email, password }) });
}

const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

describe('staff sign-in', () => {
  it('signs the first admin in with a session cookie that scripts cannot read, and knows who they are', async () => {
    const res = await signIn('Admin@Injab.test', ADMIN.password);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: ADMIN.email, role: 'admin' });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/staff/);
    const me = await api('/staff/api/me', { cookie: cookieOf(res) });
    expect(await me.json()).toMatchObject({ email: ADMIN.email, role: 'admin' });
  });

  it('answers 401 without a session and after signing out', async () => {
    expect((await api('/staff/api/me')).status).toBe(401);
    const cookie = cookieOf(await signIn(ADMIN.email, ADMIN.password));
    expect((await api('/staff/api/session', { method: 'DELETE', cookie })).status).toBe(204);
    expect((await api('/staff/api/me', { cookie })).status).toBe(401);
  });

  it('refuses a state-changing request from another origin or with no origin', async () => {
    const foreign = await api('/staff/api/session', { method: 'POST', origin: 'https://evil.example', body: JSON.stringify(ADMIN) });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'ForbiddenOrigin' } });
    expect((await api('/staff/api/session', { method: 'POST', origin: null, body: JSON.stringify(ADMIN) })).status).toBe(403);
  });

  it('says the same for an unknown email and a wrong password', async () => {
    const unknown = await signIn('nobody@injab.test', 'whatever');
    const wrong = await signIn(ADMIN.email, 'wrong password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it('answers 400 naming the field when the body has an object where a string belongs', async () => {
    const res = await api('/staff/api/session', { method: 'POST', body: JSON.stringify({ email: { $ne: '' }, password: 'x' }) });
    expect(res.status).toBe(400);
    expect((await res.json()) as { error: { message: string } }).toMatchObject({ error: { code: 'BadArgument', message: expect.stringContaining('email') } });
  });

  it('makes the account wait after five wrong passwords, even for the right one, and audits it', async () => {
    const staff = await t().app.store.staff.create({ email: 'researcher@injab.test', passwordHash: (await t().app.store.staff.findByEmail(ADMIN.email))?.passwordHash ?? '', role: 'researcher', displayName: 'R', active: true });
    for (let i = 0; i < 5; i += 1) expect((await signIn(staff.email, 'nope')).status).toBe(401);
    const locked = await signIn(staff.email, ADMIN.password);
    expect(locked.status).toBe(429);
    const audit = await t().app.store.audit.list({ subjectType: 'staff', subjectId: staff.id });
    expect(audit.map((e) => e.action)).toContain('staff.locked_out');
  });
});

describe('the first admin without ADMIN_EMAIL', () => {
  const g = useTestApp();

  it('is generated once, as an admin', async () => {
    const all = await g().app.store.staff.list({});
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ role: 'admin', active: true });
  });
});
