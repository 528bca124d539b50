import { describe, expect, it } from 'vitest';
import { expectConflict, expectNotFound, laterTick, type CurrentStore } from './helpers.js';

export function contactContract(store: CurrentStore): void {
  describe('contacts', () => {
    it('creates a contact and reads it back', async () => {
      const created = await store().contacts.create({ locale: 'ar', displayName: 'أم محمد' });
      expect(created).toMatchObject({ locale: 'ar', displayName: 'أم محمد', consent: null });
      expect(await store().contacts.get(created.id)).toEqual(created);
    });

    it('returns null for an unknown contact', async () => {
      expect(await store().contacts.get('no-such-contact')).toBeNull();
    });

    it('updates the given fields, keeps createdAt and moves updatedAt', async () => {
      const created = await store().contacts.create({ locale: null, displayName: null });
      await laterTick();
      const consent = { version: 'v1', at: new Date('2026-01-02T03:04:05.678Z'), channel: 'telegram' };
      const updated = await store().contacts.update(created.id, { locale: 'en', consent });
      expect(updated).toMatchObject({ id: created.id, locale: 'en', displayName: null, consent });
      expect(updated.createdAt.getTime()).toBe(created.createdAt.getTime());
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await store().contacts.get(created.id)).toEqual(updated);
    });

    it('rejects an update of an unknown contact with StoreNotFoundError', async () => {
      await expectNotFound(store().contacts.update('no-such-contact', { locale: 'ar' }));
    });

    it('finds a contact by a linked channel address', async () => {
      const contact = await store().contacts.create({ locale: 'ar', displayName: null });
      const link = await store().contacts.linkChannel(contact.id, 'whatsapp', '+966500000001');
      expect(link).toMatchObject({ contactId: contact.id, channel: 'whatsapp', address: '+966500000001' });
      expect(await store().contacts.findByChannelAddress('whatsapp', '+966500000001')).toEqual(contact);
      expect(await store().contacts.findByChannelAddress('telegram', '+966500000001')).toBeNull();
    });

    it('returns the existing link when the same address is linked again', async () => {
      const contact = await store().contacts.create({ locale: 'ar', displayName: null });
      const first = await store().contacts.linkChannel(contact.id, 'telegram', '42');
      const again = await store().contacts.linkChannel(contact.id, 'telegram', '42');
      expect(again).toEqual(first);
      expect(await store().contacts.listChannels(contact.id)).toEqual([first]);
    });

    it('lists every channel of a contact', async () => {
      const contact = await store().contacts.create({ locale: 'ar', displayName: null });
      const other = await store().contacts.create({ locale: 'en', displayName: null });
      await store().contacts.linkChannel(contact.id, 'telegram', '42');
      await store().contacts.linkChannel(contact.id, 'webchat', 'user-42');
      await store().contacts.linkChannel(other.id, 'telegram', '43');
      const channels = await store().contacts.listChannels(contact.id);
      expect(channels.map((c) => `${c.channel}:${c.address}`).sort()).toEqual(['telegram:42', 'webchat:user-42']);
    });

    it('refuses to link an address to an unknown contact', async () => {
      await expectNotFound(store().contacts.linkChannel('no-such-contact', 'telegram', '42'));
    });
  });
}

export function staffContract(store: CurrentStore): void {
  const newStaff = (email: string) => ({
    email,
    passwordHash: 'scrypt$hash',
    role: 'officer' as const,
    displayName: 'Officer',
    active: true,
  });

  describe('staff', () => {
    it('creates an account with no failed logins and no lock', async () => {
      const created = await store().staff.create(newStaff('officer@injab.org'));
      expect(created).toMatchObject({ email: 'officer@injab.org', role: 'officer', active: true, failedLogins: 0, lockedUntil: null });
      expect(await store().staff.get(created.id)).toEqual(created);
    });

    it('stores the email lower-cased and finds it in any case', async () => {
      const created = await store().staff.create(newStaff('Sara.Admin@Injab.ORG'));
      expect(created.email).toBe('sara.admin@injab.org');
      expect(await store().staff.findByEmail('SARA.ADMIN@injab.org')).toEqual(created);
      expect(await store().staff.findByEmail('nobody@injab.org')).toBeNull();
    });

    it('refuses a second staff account with the same email in other case', async () => {
      await store().staff.create(newStaff('officer@injab.org'));
      await expectConflict(store().staff.create(newStaff('OFFICER@injab.org')));
      expect(await store().staff.count()).toBe(1);
    });

    it('refuses to change an email to one another account uses', async () => {
      await store().staff.create(newStaff('a@injab.org'));
      const b = await store().staff.create(newStaff('b@injab.org'));
      await expectConflict(store().staff.update(b.id, { email: 'A@injab.org' }));
    });

    it('records failed logins and a lock', async () => {
      const created = await store().staff.create(newStaff('officer@injab.org'));
      const lockedUntil = new Date(Date.now() + 15 * 60_000);
      const updated = await store().staff.update(created.id, { failedLogins: 5, lockedUntil, active: false });
      expect(updated).toMatchObject({ failedLogins: 5, lockedUntil, active: false });
      expect(await store().staff.get(created.id)).toEqual(updated);
    });

    it('rejects an update of an unknown account with StoreNotFoundError', async () => {
      await expectNotFound(store().staff.update('no-such-staff', { active: false }));
    });

    it('counts and lists accounts by email, a page at a time', async () => {
      expect(await store().staff.count()).toBe(0);
      for (const email of ['c@injab.org', 'a@injab.org', 'b@injab.org']) await store().staff.create(newStaff(email));
      expect(await store().staff.count()).toBe(3);
      expect((await store().staff.list({})).map((s) => s.email)).toEqual(['a@injab.org', 'b@injab.org', 'c@injab.org']);
      expect((await store().staff.list({ limit: 1, offset: 1 })).map((s) => s.email)).toEqual(['b@injab.org']);
    });
  });
}
