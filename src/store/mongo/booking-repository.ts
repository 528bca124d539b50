/**
 * Bookings on MongoDB, with the capacity rule kept atomic across processes without transactions
 * (which would need a replica set).
 *
 * Each day's window has a counter document in `booking_slots` holding how many of its places are
 * taken. A place is taken with one conditional update, `{ _id, count: { $lt: capacity } }` →
 * `$inc: { count: 1 }` with upsert: it matches only while there is room, so two processes can never
 * both take the last place. When the counter exists but is full, the filter matches nothing and the
 * upsert tries to insert a second document with the same `_id`: the duplicate-key error means full.
 * (The same error also comes from two processes creating a new counter at once; the loser then asks
 * again without upsert, which answers exactly because the counter now exists.)
 *
 * The counters follow the bookings' statuses: `reserve` takes a place before inserting the booking;
 * `move` takes the new window's place, moves the booking, then frees the old place; `update` frees
 * the place when an active booking is cancelled or done, and takes one (without the capacity check,
 * as the contract says) when one becomes active again. Status and window changes are compare-and-set
 * on the status, day and window they were read with, so two staff cancelling one booking at once
 * free its place once.
 *
 * Steps run in an order that leaves a counter too high, never too low, should a process die between
 * two of them: a place can be lost until someone corrects the counter, but a window is never
 * overbooked. `countActive` reads the bookings themselves, so it always tells the truth.
 */
import { StoreNotFoundError } from '../../errors/store-errors.js';
import { newBooking } from '../new-records.js';
import { ACTIVE_BOOKING_STATUSES, isActiveBooking, windowHasRoom, withFreshReference } from '../record-values.js';
import type { BookingRecord, BookingRepository } from '../types.js';
import type { MongoContext } from './conversation-repositories.js';
import { bookingMapping } from './engagement-documents.js';
import type { BookingDoc } from './engagement-models.js';
import { definedFilter, findById, insertRecord, isDuplicateKeyError, pageOf, patchById, patchIf } from './operations.js';

/** The counter's `_id`: JSON, so no day and window can ever spell another pair's key. */
export function slotKey(day: string, window: string): string {
  return JSON.stringify([day, window]);
}

/** The place counters of `booking_slots`. */
function slotCounters({ models }: MongoContext) {
  const { BookingSlot } = models;
  return {
    /** Takes a place if the window has fewer than `capacity` taken; false when full. */
    async take(day: string, window: string, capacity: number): Promise<boolean> {
      // An absent counter reads as 0 taken, and the upsert below would create it at 1 regardless.
      if (!windowHasRoom(0, capacity)) return false;
      const _id = slotKey(day, window);
      const room = { _id, count: { $lt: capacity } };
      try {
        const result = await BookingSlot.updateOne(room, { $inc: { count: 1 }, $setOnInsert: { day, window } }, { upsert: true }).exec();
        return result.modifiedCount + result.upsertedCount === 1;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const result = await BookingSlot.updateOne(room, { $inc: { count: 1 } }).exec();
      return result.modifiedCount === 1;
    },
    /** Takes a place whatever the count (a staff decision to reactivate a booking). */
    async force(day: string, window: string): Promise<void> {
      const _id = slotKey(day, window);
      try {
        await BookingSlot.updateOne({ _id }, { $inc: { count: 1 }, $setOnInsert: { day, window } }, { upsert: true }).exec();
      } catch (error) {
        // Created by another process at the same moment; it exists now.
        if (!isDuplicateKeyError(error)) throw error;
        await BookingSlot.updateOne({ _id }, { $inc: { count: 1 } }).exec();
      }
    },
    /** Gives a place back; never below zero, should a counter have been corrected meanwhile. */
    async give(day: string, window: string): Promise<void> {
      await BookingSlot.updateOne({ _id: slotKey(day, window), count: { $gt: 0 } }, { $inc: { count: -1 } }).exec();
    },
  };
}

export function createBookingRepository(ctx: MongoContext): BookingRepository {
  const { models, cipher } = ctx;
  const { Booking } = models;
  const slots = slotCounters(ctx);

  const read = async (id: string): Promise<BookingRecord> => {
    const current = await findById(Booking, bookingMapping, cipher, id);
    if (!current) throw new StoreNotFoundError('booking', id);
    return current;
  };
  /** What a compare-and-set checks: the booking still holds (or not) the place it was read with. */
  const asRead = (booking: BookingRecord) => ({ status: booking.status, day: booking.day, window: booking.window });

  return {
    async reserve(input, capacity) {
      if (!(await slots.take(input.day, input.window, capacity))) return null;
      try {
        return await withFreshReference(
          (reference) => insertRecord(Booking, bookingMapping, cipher, newBooking(input, reference)),
          'booking reference',
        );
      } catch (error) {
        // The booking was not written, so its place goes back.
        await slots.give(input.day, input.window);
        throw error;
      }
    },
    get: (id) => findById(Booking, bookingMapping, cipher, id),
    async getByReference(reference) {
      const doc = await Booking.findOne({ reference }).lean<BookingDoc>().exec();
      return doc ? bookingMapping.fromDoc(doc, cipher) : null;
    },
    async update(id, patch) {
      const stamp = { updatedAt: new Date() };
      if (patch.status === undefined) return patchById(Booking, bookingMapping, cipher, id, patch, stamp);
      // Each retry follows another process's change of this booking, so the loop always ends.
      for (;;) {
        const current = await read(id);
        const wasActive = isActiveBooking(current.status);
        const willBeActive = isActiveBooking(patch.status);
        if (willBeActive && !wasActive) await slots.force(current.day, current.window);
        const updated = await patchIf(Booking, bookingMapping, cipher, current, asRead(current), patch, stamp);
        if (!updated) {
          if (willBeActive && !wasActive) await slots.give(current.day, current.window);
          continue;
        }
        if (wasActive && !willBeActive) await slots.give(current.day, current.window);
        return updated;
      }
    },
    async move(id, to, capacity) {
      for (;;) {
        const current = await read(id);
        if (current.day === to.day && current.window === to.window) return current;
        // A cancelled or done booking holds no place, so it takes none where it goes.
        const active = isActiveBooking(current.status);
        if (active && !(await slots.take(to.day, to.window, capacity))) return null;
        const moved = await Booking.findOneAndUpdate(
          { _id: id, ...asRead(current) },
          { $set: { day: to.day, window: to.window, updatedAt: new Date() } },
          { returnDocument: 'after' },
        )
          .lean<BookingDoc>()
          .exec();
        if (!moved) {
          // Changed by another process since the read: give the new place back and look again.
          if (active) await slots.give(to.day, to.window);
          continue;
        }
        if (active) await slots.give(current.day, current.window);
        return bookingMapping.fromDoc(moved, cipher);
      }
    },
    async countActive(day) {
      const rows = await Booking.aggregate<{ _id: string; n: number }>([
        { $match: { day, status: { $in: [...ACTIVE_BOOKING_STATUSES] } } },
        { $group: { _id: '$window', n: { $sum: 1 } } },
      ]).exec();
      return Object.fromEntries(rows.map((row) => [row._id, row.n]));
    },
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      const day = definedFilter({ $gte: filter.from, $lte: filter.to });
      const query = definedFilter({
        status: filter.status,
        contactId: filter.contactId,
        kind: filter.kind,
        day: Object.keys(day).length === 0 ? undefined : day,
      });
      const docs = await Booking.find(query)
        .sort({ day: 1, window: 1, createdAt: 1, _id: 1 })
        .skip(skip)
        .limit(limit)
        .lean<BookingDoc[]>()
        .exec();
      return docs.map((doc) => bookingMapping.fromDoc(doc, cipher));
    },
  };
}
