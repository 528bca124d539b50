import { describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/store/types.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** An officer hands a waiting conversation to a named researcher; a researcher may not. */
const t = useTestApp();

const staff = staffClient(t);
const account = (role: StaffRole) => staff.account(role, { expectSignedIn: false });
const assign = (cookie: string, handoffId: string, body: unknown) => staff.api(`/staff/api/handoffs/${handoffId}/assign`, cookie, { method: 'POST', body });

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
