import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DAY_BEFORE_REMINDER_MS } from '../followups/followups.js';
import { enqueueOutbound } from '../queues/outbound-queue.js';
import { bookableDays, dayProblem, dayStart, formatDay, formatWindow, type BookingCalendar, type BookingWindow } from '../services/booking-calendar.js';
import { BOOKING_KINDS, BOOKING_STATUSES } from '../store/record-values.js';
import type { BookingRecord, BookingStatus, StaffUserRecord } from '../store/types.js';
import { pageQuery } from './admin-routes.js';
import type { StaffApiDependencies } from './staff-api.js';
import { badRequest, notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';

const day = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'expected a day as YYYY-MM-DD (e.g. 2026-11-29)' });
/** What staff tell the beneficiary with the change (sent to them, and kept on the booking). */
const note = z.string().trim().max(500).optional();

export const bookingListQuery = pageQuery
  .extend({ status: z.enum(BOOKING_STATUSES).optional(), kind: z.enum(BOOKING_KINDS).optional(), from: day.optional(), to: day.optional() })
  .strict();
export const bookingCalendarQuery = z.object({ from: day.optional() }).strict();
export const bookingNoteBody = z.object({ note }).strict();
export const bookingMoveBody = z.object({ day, window: z.string().regex(/^\d{4}-\d{4}$/, { message: 'expected a window id like 0900-1100' }), note }).strict();
const noBody = z.object({}).strict();

/** What staff may do to a booking, and from which statuses: only an active booking changes. */
export const BOOKING_ACTIONS = ['confirm', 'move', 'cancel', 'done'] as const;
type BookingAction = (typeof BOOKING_ACTIONS)[number];
const FROM: Readonly<Record<BookingAction, readonly BookingStatus[]>> = {
  confirm: ['requested'],
  move: ['requested', 'confirmed'],
  cancel: ['requested', 'confirmed'],
  done: ['requested', 'confirmed'],
};

/** How the audit log and the errors name each change. */
const PAST: Readonly<Record<BookingAction, string>> = { confirm: 'confirmed', move: 'moved', cancel: 'cancelled', done: 'done' };

/** The beneficiary's notice for each change (`locales/*\/staff-notices.yaml`); finishing one tells them nothing. */
const NOTICE: Readonly<Record<BookingAction, string | null>> = {
  confirm: 'notices.booking.confirmed',
  move: 'notices.booking.moved',
  cancel: 'notices.booking.cancelled',
  done: null,
};

/**
 * Interviews and callbacks booked through the bot, for every staff role:
 *
 * - `GET /staff/api/bookings?status&kind&from&to`: soonest first, each with its day and window
 *   labelled in Arabic and English (Gregorian and Hijri), so the console does no calendar maths.
 * - `GET /staff/api/bookings/calendar?from`: the bookable days ahead with each window's active
 *   bookings and free places, for the move dialog.
 * - `GET /staff/api/bookings/:id`: one booking with the number to call (audited).
 * - `POST …/:id/confirm|move|cancel|done`: each change audited, heard live (`booking.changed`) and —
 *   but for `done` — told to the beneficiary in their language; moving and cancelling reschedule or
 *   drop the reminder of the day before.
 */
export async function bookingRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store, calendar } = deps;
  const now = deps.now ?? Date.now;
  const guard = { preHandler: requireStaff(deps, 'researcher', 'officer', 'admin') };

  app.get('/staff/api/bookings', guard, async (request) => {
    const query = parseBody(bookingListQuery, request.query);
    if (query.from && query.to && query.from > query.to) throw badRequest(`from: ${query.from} is after to (${query.to})`);
    const items = await store.bookings.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      limit: query.limit,
      offset: query.offset,
    });
    return { items: items.map((b) => bookingSummary(b, calendar)), limit: query.limit, offset: query.offset };
  });

  app.get('/staff/api/bookings/calendar', guard, async (request) => {
    const query = parseBody(bookingCalendarQuery, request.query);
    const days = bookableDays(now(), calendar).filter((d) => !query.from || d >= query.from);
    const counts = await Promise.all(days.map((d) => store.bookings.countActive(d)));
    return {
      capacity: calendar.capacity,
      windows: calendar.windows.map((w) => ({ id: w.id, label: windowLabels(w) })),
      days: days.map((d, i) => ({
        day: d,
        label: dayLabels(d),
        windows: calendar.windows.map((w) => {
          const booked = counts[i]?.[w.id] ?? 0;
          return { id: w.id, booked, free: Math.max(0, calendar.capacity - booked) };
        }),
      })),
    };
  });

  app.get<{ Params: { id: string } }>('/staff/api/bookings/:id', guard, async (request, reply) => {
    const booking = await load(deps, request.params.id);
    const contact = booking.contactId ? await store.contacts.get(booking.contactId) : null;
    await audit(deps, request, 'booking.viewed', booking.id, {});
    reply.header('cache-control', 'no-store');
    return {
      ...bookingView(booking, calendar),
      phone: booking.kind === 'callback' ? booking.phone : null,
      contact: contact ? { id: contact.id, displayName: contact.displayName } : null,
    };
  });

  app.post<{ Params: { id: string } }>('/staff/api/bookings/:id/confirm', guard, async (request) => {
    const body = parseBody(bookingNoteBody, request.body ?? {});
    const booking = allowed(await load(deps, request.params.id), 'confirm');
    const updated = await store.bookings.update(booking.id, { status: 'confirmed', staffNote: body.note || null });
    await changed(deps, request, 'confirm', updated, body.note, { from: booking.status });
    return bookingView(updated, calendar);
  });

  app.post<{ Params: { id: string } }>('/staff/api/bookings/:id/move', guard, async (request) => {
    const body = parseBody(bookingMoveBody, request.body);
    const booking = allowed(await load(deps, request.params.id), 'move');
    if (!calendar.windows.some((w) => w.id === body.window)) {
      throw badRequest(`window: ${body.window} is not one of the booking windows (${calendar.windows.map((w) => w.id).join(', ')})`);
    }
    const problem = dayProblem(body.day, now(), calendar);
    if (problem) throw badRequest(`day: ${body.day} cannot be booked (${problem})`);
    if (body.day === booking.day && body.window === booking.window) throw badRequest('day: the booking is on that day and window already');
    const moved = await store.bookings.move(booking.id, { day: body.day, window: body.window }, calendar.capacity);
    if (!moved) throw new StaffApiError(409, 'Full', `The ${body.window} window on ${body.day} is full (${calendar.capacity} bookings); choose another.`);
    const updated = await store.bookings.update(moved.id, { staffNote: body.note || null });
    // Dropped first: a new time whose reminder moment has passed gets none, and the old one must not go.
    await deps.followUps.bookingCancelled(booking.id);
    await deps.followUps.bookingReminder(booking.id, booking.conversationId, dayStart(updated.day) - DAY_BEFORE_REMINDER_MS);
    await changed(deps, request, 'move', updated, body.note, { fromDay: booking.day, fromWindow: booking.window, toDay: updated.day, toWindow: updated.window });
    return bookingView(updated, calendar);
  });

  app.post<{ Params: { id: string } }>('/staff/api/bookings/:id/cancel', guard, async (request) => {
    const body = parseBody(bookingNoteBody, request.body ?? {});
    const booking = allowed(await load(deps, request.params.id), 'cancel');
    const updated = await store.bookings.update(booking.id, { status: 'cancelled', staffNote: body.note || null });
    await deps.followUps.bookingCancelled(booking.id);
    await changed(deps, request, 'cancel', updated, body.note, { from: booking.status });
    return bookingView(updated, calendar);
  });

  app.post<{ Params: { id: string } }>('/staff/api/bookings/:id/done', guard, async (request) => {
    parseBody(noBody, request.body ?? {});
    const booking = allowed(await load(deps, request.params.id), 'done');
    const updated = await store.bookings.update(booking.id, { status: 'done' });
    await deps.followUps.bookingCancelled(booking.id);
    await changed(deps, request, 'done', updated, undefined, { from: booking.status });
    return bookingView(updated, calendar);
  });
}

/** A booking as the list shows it: ids, kind, status, and the day and window labelled in both languages. */
export function bookingSummary(b: BookingRecord, calendar: BookingCalendar) {
  return {
    id: b.id,
    reference: b.reference,
    kind: b.kind,
    status: b.status,
    channel: b.channel,
    day: b.day,
    window: b.window,
    dayLabel: dayLabels(b.day),
    windowLabel: windowLabels(windowOf(b.window, calendar)),
    conversationId: b.conversationId,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

/** The summary plus the last note and what staff may do next (the console offers exactly these). */
function bookingView(b: BookingRecord, calendar: BookingCalendar) {
  return { ...bookingSummary(b, calendar), staffNote: b.staffNote, nextActions: BOOKING_ACTIONS.filter((a) => FROM[a].includes(b.status)) };
}

const dayLabels = (d: string) => ({ ar: formatDay(d, 'ar'), en: formatDay(d, 'en') });
const windowLabels = (w: BookingWindow | null) => (w ? { ar: formatWindow(w, 'ar'), en: formatWindow(w, 'en') } : null);

/** The configured window, or one read from its id (`0900-1100`) when the configuration has changed since. */
function windowOf(id: string, calendar: BookingCalendar): BookingWindow | null {
  const known = calendar.windows.find((w) => w.id === id);
  if (known) return known;
  const m = /^(\d{2})(\d{2})-(\d{2})(\d{2})$/.exec(id);
  return m ? { id, startMinute: Number(m[1]) * 60 + Number(m[2]), endMinute: Number(m[3]) * 60 + Number(m[4]) } : null;
}

/** The booking, or 409 when it has left the statuses `action` starts from. */
function allowed(booking: BookingRecord, action: BookingAction): BookingRecord {
  if (FROM[action].includes(booking.status)) return booking;
  throw new StaffApiError(409, 'InvalidTransition', `A booking that is ${booking.status} cannot be ${PAST[action]} (only one that is ${FROM[action].join(' or ')}).`);
}

/** After a change: audited (ids, days, statuses — never the note), heard live, and told to the beneficiary. */
async function changed(
  deps: StaffApiDependencies,
  request: FastifyRequest,
  action: BookingAction,
  after: BookingRecord,
  note: string | undefined,
  details: Record<string, unknown>,
): Promise<void> {
  await audit(deps, request, `booking.${PAST[action]}`, after.id, { ...details, kind: after.kind });
  await deps.events.publish({ type: 'booking.changed', id: after.id, conversationId: after.conversationId });
  const key = NOTICE[action];
  if (!key) return;
  const window = windowOf(after.window, deps.calendar);
  await enqueueOutbound(deps.outbound, {
    conversationId: after.conversationId,
    idempotencyKey: `booking-${after.id}-${action}-${Date.now()}`,
    key,
    params: {
      reference: after.reference,
      kind: after.kind,
      // In both languages: the queue picks the conversation's language when the notice goes out.
      day: { ar: formatDay(after.day, 'ar'), en: formatDay(after.day, 'en') },
      window: window ? { ar: formatWindow(window, 'ar'), en: formatWindow(window, 'en') } : after.window,
      has_note: note ? 'yes' : 'no',
      note: note ?? '',
    },
    automatic: true,
  });
}

async function load(deps: StaffApiDependencies, id: string): Promise<BookingRecord> {
  const found = await deps.store.bookings.get(id);
  if (!found) throw notFound('booking');
  return found;
}

async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
  await deps.store.audit.record({ actor: `staff:${(request.staff as StaffUserRecord).id}`, action, subjectType: 'booking', subjectId, details });
}
