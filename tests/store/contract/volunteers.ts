import { describe, expect, it } from 'vitest';
import type { VolunteerRepository } from '../../../src/store/types.js';
import { expectNotFound, laterTick, type CurrentStore } from './helpers.js';

type NewVolunteer = Parameters<VolunteerRepository['create']>[0];

function volunteer(overrides: Partial<NewVolunteer> = {}): NewVolunteer {
  return {
    contactId: 'contact-1',
    conversationId: 'conversation-1',
    channel: 'whatsapp',
    name: 'نورة العتيبي',
    phone: '+966500000001',
    city: 'dammam',
    field: 'medical',
    fieldDetails: null,
    availability: 'weekday_evenings',
    ...overrides,
  };
}

export function volunteerContract(store: CurrentStore): void {
  describe('volunteers', () => {
    it('creates a new volunteer without a staff note and reads it back', async () => {
      const created = await store().volunteers.create(volunteer({ field: 'other', fieldDetails: 'تصوير الفعاليات', contactId: null }));
      expect(created).toMatchObject({ ...volunteer({ field: 'other', fieldDetails: 'تصوير الفعاليات', contactId: null }), status: 'new', staffNote: null });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await store().volunteers.get(created.id)).toEqual(created);
      expect(await store().volunteers.get('no-such-volunteer')).toBeNull();
    });

    it('updates status and staff note, stamps updatedAt, and keeps what the volunteer said', async () => {
      const created = await store().volunteers.create(volunteer());
      await laterTick();
      const sneaky = { name: 'someone else', phone: '+966500000009', city: 'riyadh' } as object;
      const updated = await store().volunteers.update(created.id, { status: 'contacted', staffNote: 'تتصل بعد العصر', ...sneaky });
      expect(updated).toMatchObject({ ...volunteer(), status: 'contacted', staffNote: 'تتصل بعد العصر' });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await store().volunteers.get(created.id)).toEqual(updated);
      expect(await store().volunteers.update(created.id, { status: 'active' })).toMatchObject({ status: 'active', staffNote: 'تتصل بعد العصر' });
    });

    it('rejects an update of an unknown volunteer with StoreNotFoundError', async () => {
      await expectNotFound(store().volunteers.update('no-such-volunteer', { status: 'active' }));
    });

    it('lists newest first by status, with paging, and counts what list returns', async () => {
      const a = await store().volunteers.create(volunteer({ name: 'أ' }));
      await laterTick();
      const b = await store().volunteers.create(volunteer({ name: 'ب', field: 'social' }));
      await laterTick();
      const c = await store().volunteers.create(volunteer({ name: 'ج', field: 'awareness' }));
      await laterTick();
      const d = await store().volunteers.create(volunteer({ name: 'د', field: 'administrative' }));
      await store().volunteers.update(b.id, { status: 'declined' });
      await store().volunteers.update(c.id, { status: 'active' });

      const ids = async (filter: Parameters<VolunteerRepository['list']>[0]) => (await store().volunteers.list(filter)).map((v) => v.id);
      expect(await ids({})).toEqual([d.id, c.id, b.id, a.id]);
      expect(await ids({ status: 'new' })).toEqual([d.id, a.id]);
      expect(await ids({ status: 'active' })).toEqual([c.id]);
      expect(await ids({ status: 'contacted' })).toEqual([]);
      expect(await ids({ limit: 2, offset: 1 })).toEqual([c.id, b.id]);
      expect(await store().volunteers.count({})).toBe(4);
      expect(await store().volunteers.count({ status: 'new' })).toBe(2);
      expect(await store().volunteers.count({ status: 'declined' })).toBe(1);
      expect(await store().volunteers.count({ status: 'contacted' })).toBe(0);
    });
  });
}
