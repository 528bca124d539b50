import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { NATIONAL_ID } from './contract/helpers.js';
import { startWorker } from './fixtures/start-worker.js';

/** Bookings, volunteers and feedback on SQLite: what reaches the file, and the capacity rule across processes. */
const key = crypto.randomBytes(32);
const cipher = createCipher(key);

describe('SQLite bookings, volunteers and feedback', () => {
  const dirs: string[] = [];
  const open: Store[] = [];
  const tempFile = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-engagement-'));
    dirs.push(dir);
    return path.join(dir, 'injab.sqlite');
  };
  const openStore = (file: string): Store => {
    const store = createSqliteStore({ file, cipher });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Reads `sql` from the file as it is on disk, then checks no secret is in any row or any file of the folder. */
  async function expectSealed(store: Store, file: string, sql: string, secrets: readonly string[]): Promise<Record<string, unknown>[]> {
    const raw = new Database(file, { readonly: true });
    let rows: Record<string, unknown>[];
    try {
      rows = raw.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      raw.close();
    }
    for (const row of rows) for (const secret of secrets) expect(JSON.stringify(row)).not.toContain(secret);
    await store.close();
    for (const name of fs.readdirSync(path.dirname(file))) {
      const bytes = fs.readFileSync(path.join(path.dirname(file), name));
      for (const secret of secrets) expect(bytes.includes(secret), `${name} holds ${secret} in the clear`).toBe(false);
    }
    return rows;
  }

  it("seals a booking's phone and staff note in rows and in the file", async () => {
    const file = tempFile();
    const store = openStore(file);
    const phone = '+966512345678';
    const staffNote = `أحضري هوية رقم ${NATIONAL_ID}`;
    const booking = await store.bookings.reserve(
      { contactId: 'c1', conversationId: 'conv-1', channel: 'whatsapp', kind: 'callback', day: '2026-05-03', window: '0900-1100', phone },
      3,
    );
    if (!booking) throw new Error('expected a place');
    await store.bookings.update(booking.id, { status: 'confirmed', staffNote });
    expect(await store.bookings.get(booking.id)).toMatchObject({ phone, staffNote });

    const rows = await expectSealed(store, file, 'SELECT phone, staff_note, day, time_window, status FROM bookings', [phone, '512345678', NATIONAL_ID, 'هوية']);
    expect(rows).toEqual([
      { phone: expect.stringMatching(/^v2\./), staff_note: expect.stringMatching(/^v2\./), day: '2026-05-03', time_window: '0900-1100', status: 'confirmed' },
    ]);
  });

  it("seals a volunteer's name, phone, field details and staff note in rows and in the file", async () => {
    const file = tempFile();
    const store = openStore(file);
    const input = {
      contactId: 'c1',
      conversationId: 'conv-1',
      channel: 'telegram',
      name: 'نورة العتيبي',
      phone: '+966587654321',
      city: 'dammam',
      field: 'other' as const,
      fieldDetails: 'تصوير الفعاليات',
      availability: 'weekends',
    };
    const volunteer = await store.volunteers.create(input);
    await store.volunteers.update(volunteer.id, { status: 'contacted', staffNote: `هويتها ${NATIONAL_ID}` });

    const rows = await expectSealed(store, file, 'SELECT name, phone, field_details, staff_note, city, field FROM volunteers', [
      input.name,
      'العتيبي',
      '587654321',
      'تصوير',
      NATIONAL_ID,
    ]);
    const sealed = expect.stringMatching(/^v2\./);
    expect(rows).toEqual([{ name: sealed, phone: sealed, field_details: sealed, staff_note: sealed, city: 'dammam', field: 'other' }]);
  });

  it("seals feedback's text and reply in rows and in the file", async () => {
    const file = tempFile();
    const store = openStore(file);
    const text = `الموظف طلب هويتي ${NATIONAL_ID} مرتين`;
    const reply = 'نعتذر عن الإزعاج';
    const created = await store.feedback.create({ contactId: 'c1', conversationId: 'conv-1', channel: 'webchat', kind: 'complaint', category: 'staff', text });
    await store.feedback.update(created.id, { status: 'answered', reply, repliedBy: 'staff-1', repliedAt: new Date() });

    const rows = await expectSealed(store, file, 'SELECT text, reply, kind, category, status FROM feedback', [NATIONAL_ID, 'الموظف', 'نعتذر']);
    const sealed = expect.stringMatching(/^v2\./);
    expect(rows).toEqual([{ text: sealed, reply: sealed, kind: 'complaint', category: 'staff', status: 'answered' }]);
  });

  it('never books past the capacity when separate processes reserve the same window', async () => {
    const file = tempFile();
    const store = openStore(file);
    const day = '2026-05-03';
    const window = '0900-1100';
    const capacity = 12;
    const workers = [0, 1, 2].map(() => startWorker('reserve-worker.ts', [file, key.toString('hex'), day, window, String(capacity), '8']));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const booked = await Promise.all(workers.map((w) => w.result));
    expect(booked.reduce((sum: number, n) => sum + Number(n), 0)).toBe(capacity);
    expect(await store.bookings.countActive(day)).toEqual({ [window]: capacity });
    const references = (await store.bookings.list({})).map((b) => b.reference);
    expect(new Set(references).size).toBe(capacity);
  });

  it('never books past the capacity when two store instances on one file reserve and move at once', async () => {
    const file = tempFile();
    const a = openStore(file);
    const b = openStore(file);
    const input = (window: string) => ({ contactId: null, conversationId: 'conv-1', channel: 'telegram', kind: 'interview' as const, day: '2026-05-03', window, phone: null });
    const movers = await Promise.all([a.bookings.reserve(input('1100-1300'), 5), b.bookings.reserve(input('1300-1500'), 5)]);
    const results = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => (i % 2 === 0 ? a : b).bookings.reserve(input('0900-1100'), 3)),
      ...movers.map((booking, i) => (i === 0 ? a : b).bookings.move(booking?.id ?? 'missing', { day: '2026-05-03', window: '0900-1100' }, 3)),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(3);
    expect((await a.bookings.countActive('2026-05-03'))['0900-1100']).toBe(3);
  });
});
