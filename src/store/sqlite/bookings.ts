/**
 * Bookings on SQLite. The capacity rule needs no counter here: `reserve` and `move` count the
 * window's active bookings and write inside one IMMEDIATE transaction, which holds the file's write
 * lock from the count to the write, so two processes can never both take the last place.
 */
import { StoreNotFoundError } from '../../errors/store-errors.js';
import { newBooking } from '../new-records.js';
import {
  ACTIVE_BOOKING_STATUSES,
  BOOKING_KINDS,
  BOOKING_STATUSES,
  isActiveBooking,
  windowHasRoom,
  withFreshReference,
} from '../record-values.js';
import type { BookingRecord, BookingRepository } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dbDate,
  int,
  oneOf,
  openTextOrNull,
  pageParams,
  sealTextOrNull,
  text,
  textOrNull,
  whereClause,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';

const bookings: TableMapping<BookingRecord> = {
  table: 'bookings',
  what: 'booking',
  // An update changes only what `update` may; the day and window move through `move`, which checks room.
  mutableColumns: ['status', 'phone', 'staff_note', 'updated_at'],
  fixedFields: ['id', 'reference', 'contactId', 'conversationId', 'channel', 'kind', 'day', 'window', 'createdAt'],
  toRow: (b, { cipher }) => ({
    id: b.id,
    reference: b.reference,
    contact_id: b.contactId,
    conversation_id: b.conversationId,
    channel: b.channel,
    kind: b.kind,
    day: b.day,
    time_window: b.window,
    status: b.status,
    phone: sealTextOrNull(cipher, b.phone),
    staff_note: sealTextOrNull(cipher, b.staffNote),
    created_at: dbDate(b.createdAt),
    updated_at: dbDate(b.updatedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    reference: text(row, 'reference'),
    contactId: textOrNull(row, 'contact_id'),
    conversationId: text(row, 'conversation_id'),
    channel: text(row, 'channel'),
    kind: oneOf(row, 'kind', BOOKING_KINDS),
    day: text(row, 'day'),
    window: text(row, 'time_window'),
    status: oneOf(row, 'status', BOOKING_STATUSES),
    phone: openTextOrNull(cipher, row, 'phone'),
    staffNote: openTextOrNull(cipher, row, 'staff_note'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  }),
};

const ACTIVE_STATUSES_JSON = JSON.stringify(ACTIVE_BOOKING_STATUSES);

type ReserveInput = Parameters<BookingRepository['reserve']>[0];

export function createBookingRepository(ctx: SqliteContext): BookingRepository {
  /** Active bookings in a window, leaving out `exceptId` (the booking being moved). */
  const activeIn = (day: string, window: string, exceptId: string | null): number => {
    const sql = `SELECT COUNT(*) AS n FROM bookings
                 WHERE day = ? AND time_window = ? AND status IN (SELECT value FROM json_each(?)) AND id IS NOT ?`;
    const row = asRow(ctx.stmt(sql).get(day, window, ACTIVE_STATUSES_JSON, exceptId));
    return row ? int(row, 'n') : 0;
  };

  const reserve = ctx.db.transaction((input: ReserveInput, capacity: number, reference: string): BookingRecord | null => {
    if (!windowHasRoom(activeIn(input.day, input.window, null), capacity)) return null;
    return insertRecord(ctx, bookings, newBooking(input, reference));
  });

  const move = ctx.db.transaction((id: string, to: { day: string; window: string }, capacity: number): BookingRecord | null => {
    const current = getRecord(ctx, bookings, id);
    if (!current) throw new StoreNotFoundError('booking', id);
    if (current.day === to.day && current.window === to.window) return current;
    // A cancelled or done booking holds no place, so it takes none where it goes.
    if (isActiveBooking(current.status) && !windowHasRoom(activeIn(to.day, to.window, id), capacity)) return null;
    const moved: BookingRecord = { ...current, day: to.day, window: to.window, updatedAt: new Date() };
    ctx
      .stmt('UPDATE bookings SET day = @day, time_window = @time_window, updated_at = @updated_at WHERE id = @id')
      .run({ id, day: moved.day, time_window: moved.window, updated_at: dbDate(moved.updatedAt) });
    return moved;
  });

  return {
    async reserve(input, capacity) {
      // A clash of references rolls back that attempt's transaction; the next one counts afresh.
      return withFreshReference(async (reference) => reserve.immediate(input, capacity, reference), 'booking reference');
    },
    async get(id) {
      return getRecord(ctx, bookings, id);
    },
    async getByReference(reference) {
      const row = asRow(ctx.stmt('SELECT * FROM bookings WHERE reference = ?').get(reference));
      return row ? bookings.fromRow(row, ctx) : null;
    },
    async update(id, patch) {
      return updateRecord(ctx, bookings, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async move(id, to, capacity) {
      return move.immediate(id, to, capacity);
    },
    async countActive(day) {
      const sql = `SELECT time_window, COUNT(*) AS n FROM bookings
                   WHERE day = ? AND status IN (SELECT value FROM json_each(?)) GROUP BY time_window`;
      const rows = asRows(ctx.stmt(sql).all(day, ACTIVE_STATUSES_JSON));
      return Object.fromEntries(rows.map((row) => [text(row, 'time_window'), int(row, 'n')]));
    },
    async list(filter) {
      const where = whereClause([
        ['status = ?', filter.status],
        ['day >= ?', filter.from],
        ['day <= ?', filter.to],
        ['contact_id = ?', filter.contactId],
        ['kind = ?', filter.kind],
      ]);
      const sql = `SELECT * FROM bookings ${where.sql} ORDER BY day, time_window, created_at, rowid LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => bookings.fromRow(row, ctx));
    },
  };
}
