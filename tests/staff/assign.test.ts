import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/staff/password.js';
import type { StaffRole } from '../../src/store/types.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** An officer hands a waiting conversation to a named researcher; a researcher may not. */
const t = useTestApp();

async function account(role: StaffRole): Promise<{ id: string; cookie: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@injab.test`;
  const staff = await t().app.store.staff.create({ email, passwordHash: await hashPassword('a long password'), role, displayName: role, active: true });
  const res = await fetch(`${t().url}/staff/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: t().url }, body: JSON.stringify({ email, password: 'a long password' }) });
  return { id: staff.id, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

const assign = (cookie: string, handoffId: string, body: unknown) =>
  fetch(`${t().url}/staff/api/handoffs/${handoffId}/assign`, { method: 'POST', headers: { cookie, origin: t().url, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('assigning a conversation', () => {
  it('lets an officer give a waiting conversation to a researcher, audited, and refuses a researcher', async () => {
    const dl = await DirectLineClient.start(t().url, 'assign-visitor');
    await dl.say('ابي اكلم موظف');
    const handoff = await t().app.store.handoffs.findOpenByConversation(dl.conversationId);
    const officer = await account('officer');
    const researcher = await account('researcher');
    expect((await assign(researcher.cookie, handoff?.id ?? '', { staffId: researcher.id })).status).toBe(403);
    const res = await assign(officer.cookie, handoff?.id ?? '', { staffId: researcher.id });
    expect(res.status).toBe(200);
    expect(await t().app.store.handoffs.get(handoff?.id ?? '')).toMatchObject({ status: 'active', assigneeId: researcher.id });
    expect((await t().app.store.conversations.get(dl.conversationId))?.status).toBe('human');
    const audit = await t().app.store.audit.list({ subjectType: 'handoff', subjectId: handoff?.id ?? '' });
    expect(audit.map((e) => e.action)).toContain('handoff.assigned');
    expect((await assign(officer.cookie, handoff?.id ?? '', { staffId: 'nobody' })).status).toBe(400);
  });
});
