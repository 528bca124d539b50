/**
 * The booking calendar: which days and time windows a beneficiary may book an interview or a
 * callback in. Working days are Sunday to Thursday in Asia/Riyadh (UTC+3 all year), minus the
 * configured holidays (Eid dates follow the moon sighting, so they are configuration, not code).
 */
export type BookingWindow = { id: string; startMinute: number; endMinute: number };

export type BookingCalendar = {
  windows: readonly BookingWindow[];
  /** Active bookings one window of one day can hold (interviews and callbacks together). */
  capacity: number;
  /** 'YYYY-MM-DD' days without bookings. */
  holidays: ReadonlySet<string>;
  /** How many working days ahead are offered, starting tomorrow. */
  daysAhead: number;
};

const RIYADH_OFFSET_MS = 3 * 3600_000;
const DAY_MS = 24 * 3600_000;
const WORKING_DAYS = new Set([0, 1, 2, 3, 4]);

/** Reads `09:00-11:00,11:00-13:00` into windows with ids like `0900-1100`; throws on bad input. */
export function parseBookingWindows(text: string): BookingWindow[] {
  const windows = text.split(',').map((part) => {
    const match = /^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)\s*$/.exec(part);
    if (!match) throw new Error(`expected HH:MM-HH:MM (got "${part.trim().slice(0, 20)}")`);
    const [, h1, m1, h2, m2] = match as unknown as [string, string, string, string, string];
    const startMinute = Number(h1) * 60 + Number(m1);
    const endMinute = Number(h2) * 60 + Number(m2);
    if (endMinute <= startMinute) throw new Error(`a window must end after it starts (${part.trim()})`);
    return { id: `${h1}${m1}-${h2}${m2}`, startMinute, endMinute };
  });
  if (new Set(windows.map((w) => w.id)).size !== windows.length) throw new Error('windows must differ');
  return windows.sort((a, b) => a.startMinute - b.startMinute);
}

/** The Riyadh calendar day of an instant, 'YYYY-MM-DD'. */
export function riyadhDay(ms: number): string {
  return new Date(ms + RIYADH_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight (Riyadh) at the start of a 'YYYY-MM-DD' day, as epoch ms. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00+03:00`);
}

function weekday(day: string): number {
  return new Date(`${day}T12:00:00+03:00`).getUTCDay();
}

export function isWorkingDay(day: string, calendar: BookingCalendar): boolean {
  return WORKING_DAYS.has(weekday(day)) && !calendar.holidays.has(day);
}

/** The next `daysAhead` working days after today (Riyadh), soonest first. */
export function bookableDays(nowMs: number, calendar: BookingCalendar): string[] {
  const days: string[] = [];
  const today = dayStart(riyadhDay(nowMs));
  for (let offset = 1; days.length < calendar.daysAhead && offset <= calendar.daysAhead * 3 + 14; offset += 1) {
    const day = riyadhDay(today + offset * DAY_MS + 12 * 3600_000);
    if (isWorkingDay(day, calendar)) days.push(day);
  }
  return days;
}

/** Why a day cannot be booked, or null when it can (capacity is checked separately). */
export type DayProblem = 'past' | 'today' | 'weekend' | 'holiday' | 'too_far';

export function dayProblem(day: string, nowMs: number, calendar: BookingCalendar): DayProblem | null {
  const today = riyadhDay(nowMs);
  if (day < today) return 'past';
  if (day === today) return 'today';
  if (!WORKING_DAYS.has(weekday(day))) return 'weekend';
  if (calendar.holidays.has(day)) return 'holiday';
  const offered = bookableDays(nowMs, calendar);
  if (day > (offered.at(-1) ?? today)) return 'too_far';
  return null;
}

/**
 * Date formatters, built once per locale and shape: an `Intl.DateTimeFormat` costs about a
 * millisecond to construct (the Umm al-Qura calendar most), and reminders format days in bursts.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: 'ar' | 'en', shape: 'gregorian' | 'hijri' | 'hijri-short'): Intl.DateTimeFormat {
  const key = `${locale}/${shape}`;
  let found = formatters.get(key);
  if (!found) {
    const base = { timeZone: 'Asia/Riyadh', numberingSystem: 'latn' } as const;
    found =
      shape === 'gregorian'
        ? new Intl.DateTimeFormat(locale, { ...base, weekday: 'long', day: 'numeric', month: 'long' })
        : new Intl.DateTimeFormat(locale === 'ar' ? 'ar-SA' : 'en', {
            ...base,
            calendar: 'islamic-umalqura',
            day: 'numeric',
            month: 'long',
            ...(shape === 'hijri' ? { year: 'numeric' } : {}),
          });
    formatters.set(key, found);
  }
  return found;
}

/**
 * A day as beneficiaries read it, Gregorian and Hijri (Umm al-Qura) side by side, with Latin digits
 * as the rest of the bot writes them: «الأحد 29 نوفمبر — 19 جمادى الآخرة 1448 هـ».
 */
export function formatDay(day: string, locale: 'ar' | 'en'): string {
  const at = new Date(`${day}T12:00:00+03:00`);
  return `${formatter(locale, 'gregorian').format(at).replace('،', '')} — ${formatter(locale, 'hijri').format(at)}`;
}

/** Short enough for a button: «الأحد 29 نوفمبر · 19 جمادى الآخرة». */
export function formatDayChoice(day: string, locale: 'ar' | 'en'): string {
  const at = new Date(`${day}T12:00:00+03:00`);
  return `${formatter(locale, 'gregorian').format(at).replace('،', '')} · ${formatter(locale, 'hijri-short').format(at)}`;
}

/** A window as «9:00 ص – 11:00 ص» / «9:00 AM – 11:00 AM». */
export function formatWindow(window: BookingWindow, locale: 'ar' | 'en'): string {
  const time = (minute: number) => `${Math.floor(minute / 60) % 12 || 12}:${String(minute % 60).padStart(2, '0')}`;
  const half = (minute: number) => (minute < 12 * 60 ? (locale === 'ar' ? 'ص' : 'AM') : locale === 'ar' ? 'م' : 'PM');
  return `${time(window.startMinute)} ${half(window.startMinute)} – ${time(window.endMinute)} ${half(window.endMinute)}`;
}
