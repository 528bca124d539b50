import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/store/types.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { botTextUntil as waitForBotText, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Volunteers in the staff API, for the volunteering team (officers and admins): the table, one
 * volunteer with the phone (audited), and status changes told politely to the volunteer in their chat.
 */
const t = useTestApp();

type VolunteerView = { id: string; name: string; status: string; city: string; cityLabel: { ar: string; en: string }; staffNote: string | null; nextStatuses: string[]; phone?: string };

const staff = staffClient(t);
const { api } = staff;
const signedIn = (role: StaffRole) => staff.account(role, { displayName: 'Reem' });

/** Someone who registered as a volunteer from the web chat. */
async function volunteer(locale?: string) {
  const dl = await DirectLineClient.start(t().url, `volunteer-${Math.random().toString(36).slice(2)}`);
  await dl.say(locale === 'en' ? 'menu' : 'السلام عليكم', locale);
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  const record = await t().app.store.volunteers.create({
    contactId: conversation?.contactId ?? null,
    conversationId: dl.conversationId,
    channel: 'webchat',
    name: 'سارة محمد القحطاني',
    phone: '+966551112233',
    city: 'khobar',
    field: 'awareness',
    fieldDetails: null,
    availability: 'weekday_evenings',
  });
  await dl.read();
  return { dl, record };
}

describe('volunteers for staff', () => {
  it('lists volunteers for an officer with the city named, and shows the phone in the audited detail', async () => {
    const { record } = await volunteer();
    const officer = await signedIn('officer');
    const res = await api('/staff/api/volunteers?status=new', officer.cookie);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: VolunteerView[]; total: number };
    const item = body.items.find((v) => v.id === record.id);
    expect(item).toMatchObject({ name: 'سارة محمد القحطاني', city: 'khobar', cityLabel: { ar: 'الخبر', en: expect.stringMatching(/Khobar/) }, status: 'new', nextStatuses: ['contacted', 'active', 'declined'] });
    expect(item).not.toHaveProperty('phone');
    expect(body.total).toBeGreaterThanOrEqual(1);

    const one = (await (await api(`/staff/api/volunteers/${record.id}`, officer.cookie)).json()) as VolunteerView;
    expect(one.phone).toBe('+966551112233');
    const audit = await t().app.store.audit.list({ actor: `staff:${officer.id}` });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['volunteer.list_viewed', 'volunteer.viewed']));
    expect(JSON.stringify(audit.map((e) => e.details))).not.toMatch(/سارة|966551112233/);
  });

  it('moves a volunteer on with a note, and the volunteer is told in Arabic each time', async () => {
    const { dl, record } = await volunteer();
    const officer = await signedIn('officer');
    const contacted = await api(`/staff/api/volunteers/${record.id}/status`, officer.cookie, { method: 'POST', body: { status: 'contacted', note: 'اتصلت بها، تفضّل المساء' } });
    expect(contacted.status).toBe(200);
    expect(await contacted.json()).toMatchObject({ status: 'contacted', staffNote: 'اتصلت بها، تفضّل المساء', nextStatuses: ['active', 'declined'] });
    expect(await waitForBotText(dl, 'اطّلع فريق التطوع على طلبك')).toContain('إنجاب');

    expect((await api(`/staff/api/volunteers/${record.id}/status`, officer.cookie, { method: 'POST', body: { status: 'active' } })).status).toBe(200);
    expect(await waitForBotText(dl, 'تم اعتماد تسجيلك متطوعًا')).toContain('أهلًا بك');

    // The same status saves the note only; nobody is messaged.
    const noted = await api(`/staff/api/volunteers/${record.id}/status`, officer.cookie, { method: 'POST', body: { status: 'active', note: 'فعالية التوعية في نوفمبر' } });
    expect(await noted.json()).toMatchObject({ status: 'active', staffNote: 'فعالية التوعية في نوفمبر' });

    const back = await api(`/staff/api/volunteers/${record.id}/status`, officer.cookie, { method: 'POST', body: { status: 'new' } });
    expect(back.status).toBe(409);
    expect(await back.json()).toMatchObject({ error: { code: 'InvalidTransition' } });

    const audit = await t().app.store.audit.list({ subjectType: 'volunteer', subjectId: record.id });
    expect(audit.filter((e) => e.action === 'volunteer.status_changed').map((e) => e.details)).toEqual(
      expect.arrayContaining([
        { from: 'new', to: 'contacted' },
        { from: 'contacted', to: 'active' },
      ]),
    );
    expect(audit.map((e) => e.action)).toContain('volunteer.note_changed');
    expect(JSON.stringify(audit.map((e) => e.details))).not.toContain('فعالية');
    await sleep(300);
    expect((await dl.read()).filter((a) => a.from.role === 'bot')).toEqual([]);
  });

  it('tells a volunteer who writes in English, politely, that there is no opportunity now', async () => {
    const { dl, record } = await volunteer('en');
    const admin = await signedIn('admin');
    expect((await api(`/staff/api/volunteers/${record.id}/status`, admin.cookie, { method: 'POST', body: { status: 'declined' } })).status).toBe(200);
    expect(await waitForBotText(dl, 'We will keep your details')).toContain('Thank you very much');
  });

  it('is closed to researchers and to nobody signed in, and checks its input', async () => {
    const { record } = await volunteer();
    const researcher = await signedIn('researcher');
    expect((await api('/staff/api/volunteers', researcher.cookie)).status).toBe(403);
    expect((await api(`/staff/api/volunteers/${record.id}`, researcher.cookie)).status).toBe(403);
    expect((await api(`/staff/api/volunteers/${record.id}/status`, researcher.cookie, { method: 'POST', body: { status: 'contacted' } })).status).toBe(403);
    expect((await api('/staff/api/volunteers', null)).status).toBe(401);
    const officer = await signedIn('officer');
    expect((await api(`/staff/api/volunteers/${record.id}/status`, officer.cookie, { method: 'POST', body: { status: 'hired' } })).status).toBe(400);
    expect((await api('/staff/api/volunteers/nobody/status', officer.cookie, { method: 'POST', body: { status: 'contacted' } })).status).toBe(404);
    expect(await t().app.store.volunteers.get(record.id)).toMatchObject({ status: 'new' });
  });
});
