import { describe, expect, it } from 'vitest';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** What a hostile or broken client may send where JSON strings belong, or too much of it. */
const ADMIN = { email: 'admin@injab.test', password: 'a long admin password' };
const t = useTestApp({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });

type ErrorBody = { error: { code: string; message: string } };

const staff = (path: string, body: string, cookie?: string) =>
  fetch(`${t().url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t().url, ...(cookie ? { cookie } : {}) },
    body,
  });

async function adminCookie(): Promise<string> {
  const res = await staff('/staff/api/session', JSON.stringify(ADMIN));
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

const OVERSIZED = 300 * 1024;

describe('Direct Line activities', () => {
  it.each([
    ['text', { type: 'message', text: { $gt: '' } }, /text/],
    ['from.id', { type: 'message', text: 'hi', from: { id: { $ne: null } } }, /from\.id/],
    ['type', { type: { $ne: 'x' }, text: 'hi' }, /type/],
    ['locale', { type: 'message', text: 'hi', locale: ['ar', 'en'] }, /locale/],
  ])('answers an object where %s belongs with 400 and says which field', async (_field, body, named) => {
    const dl = await DirectLineClient.start(t().url);
    const res = await dl.post(body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe('BadArgument');
    expect(error.message).toMatch(named);
    expect(await t().app.store.messages.list(dl.conversationId)).toHaveLength(0);
  });

  it('answers a body that is not an object with 400', async () => {
    const dl = await DirectLineClient.start(t().url);
    for (const raw of ['[1,2]', '"message"', 'null', '{"type":']) {
      const res = await dl.post(undefined, { raw });
      expect(res.status, raw).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe('BadArgument');
    }
  });

  it('answers a body over the limit with 413 and a JSON message', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await dl.post({ type: 'message', text: 'x'.repeat(OVERSIZED) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'TooLarge', message: 'The request body is larger than 256 KB.' } });
  });

  it('stores markup in a message as text and echoes it unchanged', async () => {
    const dl = await DirectLineClient.start(t().url);
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)> {{7*7}} ${7*7}';
    const replies = await dl.say(markup);
    expect(replies.length).toBeGreaterThan(0); // the bot answered; nothing crashed
    const [stored] = await t().app.store.messages.list(dl.conversationId, { direction: 'incoming' });
    expect((stored?.activity as { text?: string }).text).toBe(markup);
    const echoed = (await (await dl.get('0')).json()) as { activities: { text?: string; from: { role?: string } }[] };
    expect(echoed.activities.find((a) => a.from.role === 'user')?.text).toBe(markup);
  });
});

describe('the staff API', () => {
  it('answers objects in the sign-in fields with 400, not a sign-in attempt', async () => {
    for (const body of [{ email: { $gt: '' }, password: 'x' }, { email: ADMIN.email, password: { $ne: null } }]) {
      const res = await staff('/staff/api/session', JSON.stringify(body));
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as ErrorBody;
      expect(error.message).toMatch(/^(email|password): /);
    }
    // No wrong password was counted: the account is not moving towards its lockout.
    const account = await t().app.store.staff.findByEmail(ADMIN.email);
    expect(account?.failedLogins ?? 0).toBe(0);
  });

  it('answers objects in a staff route body with 400', async () => {
    const cookie = await adminCookie();
    const res = await staff(
      '/staff/api/staff',
      JSON.stringify({ email: { $gt: '' }, displayName: { $ne: null }, role: 'admin', password: 'long enough password' }),
      cookie,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/^(email|displayName): /);
  });

  it('answers a sign-in body over the limit with 413 and a JSON message', async () => {
    const res = await staff('/staff/api/session', JSON.stringify({ email: ADMIN.email, password: 'x'.repeat(OVERSIZED) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('TooLarge');
  });
});
