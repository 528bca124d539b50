import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { REQUEST_REFERENCE_PATTERN } from '../../../src/store/record-values.js';
import type { BookingRecord, BookingRepository, BookingStatus } from '../../../src/store/types.js';
import { expectNotFound, laterTick, type CurrentStore } from './helpers.js';

type ReserveInput = Parameters<BookingRepository['reserve']>[0];

const DAY = '2026-05-03';
const NEXT_DAY = '2026-05-04';
const MORNING = '0900-1100';
const NOON = '1100-1300';

function slot(overrides: Partial<ReserveInput> = {}): ReserveInput {
  return {
    contactId: 'contact-1',
    conversationId: 'conversation-1',
    channel: 'telegram',
    kind: 'interview',
    day: DAY,
    window: MORNING,
    phone: null,
    ...overrides,
  };
}

const callback = (overrides: Partial<ReserveInput> = {}) => slot({ kind: 'callback', phone: '+966500000001', ...overrides });

/** The booking, which the test expects to have been made. */
function made(booking: BookingRecord | null): BookingRecord {
  if (!booking) throw new Error('expected a booking, got none (full)');
  return booking;
}

type RandomInt = (min: number, max: number) => number;

export function bookingContract(store: CurrentStore): void {
  const reserve = async (input: ReserveInput, capacity = 10) => made(await store().bookings.reserve(input, capacity));
  const setStatus = (booking: BookingRecord, status: BookingStatus) => store().bookings.update(booking.id, { status });
  const ids = async (filter: Parameters<BookingRepository['list']>[0]) => (await store().bookings.list(filter)).map((b) => b.id);

  describe('bookings', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('reserves a requested booking with a reference like 4827-5396 and finds it by id and reference', async () => {
      const created = await reserve(callback());
      expect(created.reference).toMatch(REQUEST_REFERENCE_PATTERN);
      expect(created).toMatchObject({ ...callback(), status: 'requested', staffNote: null });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await store().bookings.get(created.id)).toEqual(created);
      expect(await store().bookings.getByReference(created.reference)).toEqual(created);
      const unknown = created.reference === '2345-6789' ? '9876-5432' : '2345-6789';
      expect(await store().bookings.getByReference(unknown)).toBeNull();
      expect(await store().bookings.get('no-such-booking')).toBeNull();
    });

    it('gives bookings distinct references', async () => {
      const references = (await Promise.all(Array.from({ length: 8 }, () => reserve(slot())))).map((b) => b.reference);
      expect(new Set(references).size).toBe(8);
    });

    it('draws another reference when the one drawn is already taken', async () => {
      const spy = vi.spyOn(crypto, 'randomInt') as unknown as MockInstance<RandomInt>;
      for (let i = 0; i < 16; i += 1) spy.mockReturnValueOnce(2);
      for (let i = 0; i < 8; i += 1) spy.mockReturnValueOnce(3);
      const first = await reserve(slot());
      const second = await reserve(slot());
      expect([first.reference, second.reference]).toEqual(['2222-2222', '3333-3333']);
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 2 });
    });

    it('books a window until it is full, then answers null; other windows and days keep their room', async () => {
      await reserve(slot(), 2);
      await reserve(callback(), 2);
      expect(await store().bookings.reserve(slot(), 2)).toBeNull();
      expect(await store().bookings.reserve(callback(), 2)).toBeNull();
      await reserve(slot({ window: NOON }), 2);
      await reserve(slot({ day: NEXT_DAY }), 2);
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 2, [NOON]: 1 });
      expect(await store().bookings.list({})).toHaveLength(4);
    });

    it('answers null for a capacity of zero', async () => {
      expect(await store().bookings.reserve(slot(), 0)).toBeNull();
      expect(await store().bookings.list({})).toEqual([]);
    });

    it('frees the place of a cancelled or done booking, and keeps it for a confirmed one', async () => {
      const a = await reserve(slot(), 2);
      const b = await reserve(slot(), 2);
      await setStatus(a, 'confirmed');
      expect(await store().bookings.reserve(slot(), 2)).toBeNull();
      await setStatus(a, 'cancelled');
      const c = await reserve(slot(), 2);
      await setStatus(b, 'done');
      await reserve(slot(), 2);
      expect(await store().bookings.reserve(slot(), 2)).toBeNull();
      // Cancelling what is already cancelled frees nothing more.
      await setStatus(a, 'cancelled');
      await setStatus(b, 'cancelled');
      expect(await store().bookings.reserve(slot(), 2)).toBeNull();
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 2 });
      expect((await store().bookings.get(c.id))?.status).toBe('requested');
    });

    it('takes the place again when staff set a cancelled booking back to confirmed, even past the capacity', async () => {
      const a = await reserve(slot(), 1);
      await setStatus(a, 'cancelled');
      await reserve(slot(), 1);
      const back = await setStatus(a, 'confirmed');
      expect(back.status).toBe('confirmed');
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 2 });
      expect(await store().bookings.reserve(slot(), 2)).toBeNull();
      await setStatus(a, 'done');
      await reserve(slot(), 2);
    });

    it('updates status, staff note and phone, stamps updatedAt, and never moves the booking through update', async () => {
      const created = await reserve(slot());
      await laterTick();
      const sneaky = { day: NEXT_DAY, window: NOON, reference: '2222-2222', kind: 'callback' } as object;
      const updated = await store().bookings.update(created.id, {
        status: 'confirmed',
        staffNote: 'أحضري صورة الهوية',
        phone: '+966500000009',
        ...sneaky,
      });
      expect(updated).toMatchObject({ status: 'confirmed', staffNote: 'أحضري صورة الهوية', phone: '+966500000009' });
      expect(updated).toMatchObject({ day: DAY, window: MORNING, reference: created.reference, kind: 'interview' });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await store().bookings.get(created.id)).toEqual(updated);
      const noteOnly = await store().bookings.update(created.id, { staffNote: null });
      expect(noteOnly).toMatchObject({ status: 'confirmed', staffNote: null, phone: '+966500000009' });
    });

    it('rejects an update or a move of an unknown booking with StoreNotFoundError', async () => {
      await expectNotFound(store().bookings.update('no-such-booking', { status: 'cancelled' }));
      await expectNotFound(store().bookings.update('no-such-booking', { staffNote: 'x' }));
      await expectNotFound(store().bookings.move('no-such-booking', { day: DAY, window: NOON }, 2));
    });

    it('moves a booking to a window with room and frees its old place; a full window answers null', async () => {
      const a = await reserve(slot(), 1);
      const full = await reserve(slot({ window: NOON }), 1);
      expect(await store().bookings.move(a.id, { day: DAY, window: NOON }, 1)).toBeNull();
      expect(await store().bookings.get(a.id)).toEqual(a);

      await laterTick();
      const moved = made(await store().bookings.move(a.id, { day: NEXT_DAY, window: NOON }, 1));
      expect(moved).toMatchObject({ id: a.id, reference: a.reference, day: NEXT_DAY, window: NOON, status: 'requested' });
      expect(moved.updatedAt.getTime()).toBeGreaterThan(a.updatedAt.getTime());
      expect(await store().bookings.get(a.id)).toEqual(moved);
      expect(await store().bookings.countActive(DAY)).toEqual({ [NOON]: 1 });
      expect(await store().bookings.countActive(NEXT_DAY)).toEqual({ [NOON]: 1 });

      // The old window has its place back; the new one is now full.
      await reserve(slot(), 1);
      expect(await store().bookings.reserve(slot({ day: NEXT_DAY, window: NOON }), 1)).toBeNull();
      expect((await store().bookings.get(full.id))?.window).toBe(NOON);
    });

    it('does not count the booking itself twice: moving within a full window or to where it is stays put', async () => {
      const a = await reserve(slot(), 1);
      expect(await store().bookings.move(a.id, { day: DAY, window: MORNING }, 1)).toEqual(a);
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 1 });
      expect(await store().bookings.reserve(slot(), 1)).toBeNull();
    });

    it('moves a cancelled booking anywhere without taking a place', async () => {
      const a = await reserve(slot(), 1);
      await reserve(slot({ window: NOON }), 1);
      await setStatus(a, 'cancelled');
      const moved = made(await store().bookings.move(a.id, { day: DAY, window: NOON }, 1));
      expect(moved).toMatchObject({ window: NOON, status: 'cancelled' });
      expect(await store().bookings.countActive(DAY)).toEqual({ [NOON]: 1 });
      await reserve(slot(), 1);
    });

    it('counts active bookings per window of a day, requested and confirmed only', async () => {
      const a = await reserve(slot());
      await reserve(callback());
      const c = await reserve(slot({ window: NOON }));
      const d = await reserve(slot({ window: NOON }));
      await reserve(slot({ day: NEXT_DAY }));
      const f = await reserve(slot({ window: '1300-1500' }));
      await setStatus(a, 'confirmed');
      await setStatus(c, 'cancelled');
      await setStatus(d, 'done');
      await setStatus(f, 'cancelled');
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 2 });
      expect(await store().bookings.countActive(NEXT_DAY)).toEqual({ [MORNING]: 1 });
      expect(await store().bookings.countActive('2026-05-05')).toEqual({});
    });

    it('lists the soonest day first, then window, then created, with filters and paging', async () => {
      const late = await reserve(slot({ day: NEXT_DAY, window: MORNING }));
      await laterTick();
      const noon = await reserve(slot({ window: NOON, contactId: 'contact-2' }));
      await laterTick();
      const first = await reserve(slot({ window: MORNING }));
      await laterTick();
      const second = await reserve(callback({ window: MORNING, contactId: null }));
      await laterTick();
      const earliest = await reserve(slot({ day: '2026-05-02', window: '1300-1500', contactId: 'contact-2' }));
      await setStatus(second, 'confirmed');
      await setStatus(noon, 'cancelled');

      expect(await ids({})).toEqual([earliest.id, first.id, second.id, noon.id, late.id]);
      expect(await ids({ status: 'requested' })).toEqual([earliest.id, first.id, late.id]);
      expect(await ids({ status: 'confirmed' })).toEqual([second.id]);
      expect(await ids({ from: DAY })).toEqual([first.id, second.id, noon.id, late.id]);
      expect(await ids({ to: DAY })).toEqual([earliest.id, first.id, second.id, noon.id]);
      expect(await ids({ from: DAY, to: DAY })).toEqual([first.id, second.id, noon.id]);
      expect(await ids({ contactId: 'contact-2' })).toEqual([earliest.id, noon.id]);
      expect(await ids({ kind: 'callback' })).toEqual([second.id]);
      expect(await ids({ kind: 'interview', from: DAY, status: 'requested' })).toEqual([first.id, late.id]);
      expect(await ids({ limit: 2, offset: 1 })).toEqual([first.id, second.id]);
    });

    it('gives exactly the capacity when reserves race', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store().bookings.reserve(slot({ contactId: `contact-${i}` }), 3)));
      expect(results.filter((result) => result !== null)).toHaveLength(3);
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 3 });
      expect(await store().bookings.list({})).toHaveLength(3);
    });

    it('lets only one of two racing moves take the last place', async () => {
      const a = await reserve(slot({ window: MORNING }));
      const b = await reserve(slot({ window: '1300-1500' }));
      await reserve(slot({ window: NOON }));
      const moves = await Promise.all([a, b].map((booking) => store().bookings.move(booking.id, { day: DAY, window: NOON }, 2)));
      expect(moves.filter((moved) => moved !== null)).toHaveLength(1);
      expect(await store().bookings.countActive(DAY)).toEqual({ [NOON]: 2, ...(moves[0] ? { '1300-1500': 1 } : { [MORNING]: 1 }) });
    });

    it('frees the place once when one booking is cancelled twice at the same time', async () => {
      const a = await reserve(slot(), 2);
      await reserve(slot(), 2);
      await Promise.all([setStatus(a, 'cancelled'), setStatus(a, 'cancelled')]);
      await reserve(slot(), 2);
      expect(await store().bookings.reserve(slot(), 2)).toBeNull();
      expect(await store().bookings.countActive(DAY)).toEqual({ [MORNING]: 2 });
    });
  });
}
