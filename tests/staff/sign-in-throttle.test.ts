import { describe, expect, it } from 'vitest';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Failed sign-ins are counted per client address as well as per account: an attacker spraying one
 * password over many emails (never five wrong on one account) is stopped by the address limit.
 */
const t = useTestApp({ env: { STAFF_SIGNIN_FAILURES_PER_ADDRESS: '6', STAFF_SIGNIN_WINDOW_MS: '600000', TRUST_PROXY: 'true' } });
const staff = staffClient(t);

/** Signs in from a given client address (the proxy's X-Forwarded-For, trusted here). */
async function signInFrom(address: string, email: string, password: string): Promise<Response> {
  const { url } = t();
  return fetch(`${url}/staff/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'x-forwarded-for': address },
    body: JSON.stringify({ email, password }),
  });
}

describe('sign-in throttled per address', () => {
  it('stops an address spraying many emails with 429, a clear message and Retry-After, even for a right password', async () => {
    const victim = { email: 'victim@injab.test', password: 'the right password' };
    await staff.account('researcher', victim);
    for (let i = 0; i < 6; i += 1) expect((await signInFrom('203.0.113.7', `guess-${i}@injab.test`, 'Summer2026!')).status).toBe(401);
    const refused = await signInFrom('203.0.113.7', victim.email, victim.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('TooManyAttemptsFromAddress');
    expect(body.error.message).toMatch(/Try again in 10 minutes/);
    // Another address (a colleague in the office) is not affected, and the account is not locked.
    expect((await signInFrom('198.51.100.20', victim.email, victim.password)).status).toBe(200);
  });

  it('audits the throttled address once, with no email in it', async () => {
    for (let i = 0; i < 8; i += 1) await signInFrom('203.0.113.99', `spray-${i}@injab.test`, 'x');
    const entries = await t().app.store.audit.list({ subjectType: 'address', subjectId: '203.0.113.99' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'staff.sign_in_throttled', actor: 'system', details: { address: '203.0.113.99', failures: 6 } });
    expect(JSON.stringify(entries[0])).not.toContain('@');
  });

  it('counts only failures: a busy office signing in correctly is never throttled', async () => {
    const colleague = { email: 'busy@injab.test', password: 'a fine long password' };
    await staff.account('officer', colleague);
    for (let i = 0; i < 10; i += 1) expect((await signInFrom('192.0.2.50', colleague.email, colleague.password)).status).toBe(200);
  });
});
