import { z } from 'zod';
import type { ServiceRegistry } from '../bot/services.js';
import { DEFAULT_LOCALE } from '../i18n/i18n.js';
import type { BookingRecord } from '../store/types.js';
import { bookableDays, dayProblem, formatDay, formatDayChoice, formatWindow, riyadhDay, type BookingCalendar } from './booking-calendar.js';

export type BookingServiceDependencies = {
  calendar: BookingCalendar;
  now?: () => number;
  /** A booking was made (the console hears it; the day-before reminder is scheduled). */
  onBooked?: (booking: BookingRecord) => Promise<void>;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const bookArgs = z.object({
  kind: z.enum(['interview', 'callback']),
  day: z.string().regex(DAY),
  window: z.string().min(1).max(20),
  phone: z.string().max(20).nullish(),
});

/**
 * The booking flow's services. Days offered are the calendar's next working days that still have a
 * window with room; a day is checked again when chosen (someone else may have taken the last
 * place), and `book_appointment` reserves atomically in the store — "full" if the window filled
 * in the meantime. Texts (days in Gregorian and Hijri, windows) come back in the conversation's
 * language, ready to show.
 */
export function createBookingServices(deps: BookingServiceDependencies): ServiceRegistry {
  const now = deps.now ?? Date.now;
  const { calendar } = deps;
  const windowOf = (id: string) => calendar.windows.find((w) => w.id === id);

  /** Windows of a day with room, as choices. */
  const openWindows = async (store: Parameters<ServiceRegistry[string]>[1]['store'], day: string, locale: 'ar' | 'en') => {
    const taken = await store.bookings.countActive(day);
    return calendar.windows.filter((w) => (taken[w.id] ?? 0) < calendar.capacity).map((w) => ({ value: w.id, text: formatWindow(w, locale) }));
  };

  return {
    async booking_days(_args, { store, turn }) {
      const locale = turn.state.locale ?? DEFAULT_LOCALE;
      const contactId = turn.contact?.id;
      if (contactId) {
        // One upcoming booking at a time: a second one is changed through a person.
        const from = riyadhDay(now());
        const upcoming = [
          ...(await store.bookings.list({ contactId, status: 'requested', from, limit: 5 })),
          ...(await store.bookings.list({ contactId, status: 'confirmed', from, limit: 5 })),
        ];
        const existing = upcoming.sort((a, b) => a.day.localeCompare(b.day))[0];
        if (existing) {
          const window = windowOf(existing.window);
          return { count: 0, options: [], existing_reference: existing.reference, existing_day: formatDay(existing.day, locale), existing_window: window ? formatWindow(window, locale) : existing.window };
        }
      }
      const options = [];
      for (const day of bookableDays(now(), calendar)) {
        if ((await openWindows(store, day, locale)).length > 0) options.push({ value: day, text: formatDayChoice(day, locale) });
      }
      return { count: options.length, options };
    },

    async check_booking_day(args, { store, turn }) {
      const locale = turn.state.locale ?? DEFAULT_LOCALE;
      const day = typeof args.day === 'string' && DAY.test(args.day) ? args.day : null;
      if (!day) return { ok: false, problem: 'other' };
      const problem = dayProblem(day, now(), calendar);
      if (problem) return { ok: false, problem };
      const windows = await openWindows(store, day, locale);
      if (windows.length === 0) return { ok: false, problem: 'full' };
      return { ok: true, label: formatDay(day, locale), windows };
    },

    async describe_booking(args, { turn }) {
      const locale = turn.state.locale ?? DEFAULT_LOCALE;
      const window = typeof args.window === 'string' ? windowOf(args.window) : undefined;
      const day = typeof args.day === 'string' && DAY.test(args.day) ? args.day : null;
      return { day: day ? formatDay(day, locale) : '', window: window ? formatWindow(window, locale) : '' };
    },

    async book_appointment(args, { store, turn }) {
      const parsed = bookArgs.safeParse(args);
      const locale = turn.state.locale ?? DEFAULT_LOCALE;
      if (!parsed.success || !windowOf(parsed.data.window) || dayProblem(parsed.data.day, now(), calendar)) return { state: 'invalid' };
      const booking = await store.bookings.reserve(
        {
          contactId: turn.contact?.id ?? null,
          conversationId: turn.conversation.id,
          channel: turn.conversation.channel,
          kind: parsed.data.kind,
          day: parsed.data.day,
          window: parsed.data.window,
          phone: parsed.data.kind === 'callback' ? (parsed.data.phone ?? null) : null,
        },
        calendar.capacity,
      );
      if (!booking) return { state: 'full' };
      await store.audit.record({
        actor: turn.contact ? `beneficiary:${turn.contact.id}` : 'system',
        action: 'booking.requested',
        subjectType: 'booking',
        subjectId: booking.id,
        details: { kind: booking.kind, day: booking.day, window: booking.window, channel: booking.channel },
      });
      turn.log.info({ event: 'booking.requested', bookingId: booking.id }, 'booking requested');
      await deps.onBooked?.(booking).catch((error: unknown) => turn.log.error({ err: error, event: 'booking.on_booked_failed' }, 'could not announce a booking'));
      const window = windowOf(booking.window);
      return { state: 'booked', reference: booking.reference, day: formatDay(booking.day, locale), window: window ? formatWindow(window, locale) : booking.window };
    },
  };
}
