/**
 * When social researchers work: Sunday to Thursday (the Saudi working week), between two times of
 * day in Asia/Riyadh (UTC+3 all year, no daylight saving). Used to tell a beneficiary who asks for a
 * person outside those hours when to expect a reply.
 */
export type WorkingHours = { startMinute: number; endMinute: number; days: readonly number[] };

/** Sunday (0) to Thursday (4). */
export const WORKING_DAYS = [0, 1, 2, 3, 4] as const;
const RIYADH_OFFSET_MS = 3 * 60 * 60 * 1000;

/** Reads `08:00-15:00`; throws on anything else (config checks it at start-up). */
export function parseWorkingHours(text: string): WorkingHours {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) throw new Error('expected HH:MM-HH:MM');
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || endMinute <= startMinute) throw new Error('expected a start before the end, within one day');
  return { startMinute, endMinute, days: WORKING_DAYS };
}

/** Riyadh's calendar day (0 = Sunday) and minute of the day for an instant. */
function riyadh(at: Date): { day: number; minute: number } {
  const local = new Date(at.getTime() + RIYADH_OFFSET_MS);
  return { day: local.getUTCDay(), minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

export function isWorkingTime(at: Date, hours: WorkingHours): boolean {
  const { day, minute } = riyadh(at);
  return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
}

/** The next instant staff start work after `at` (or `at` itself during working time). */
export function nextOpening(at: Date, hours: WorkingHours): Date {
  if (isWorkingTime(at, hours)) return at;
  const { minute } = riyadh(at);
  const midnightRiyadh = at.getTime() - minute * 60_000 - (at.getTime() % 60_000);
  for (let offset = 0; offset <= 7; offset += 1) {
    const candidate = new Date(midnightRiyadh + offset * 24 * 60 * 60_000 + hours.startMinute * 60_000);
    if (candidate > at && hours.days.includes(riyadh(candidate).day)) return candidate;
  }
  return at;
}
