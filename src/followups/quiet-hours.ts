import type { QuietHours } from '../config/config.js';

const RIYADH_OFFSET_MS = 3 * 60 * 60 * 1000;
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/**
 * Friday prayer (صلاة الجمعة) in Asia/Riyadh: the sermon and prayer fall between about 11:30 and
 * 12:45 across the year in the Eastern Province; the window is kept wide so no message lands during
 * them. Friday is day 5 (Sunday = 0).
 */
export const FRIDAY_PRAYER = { day: 5, startMinute: 11 * 60, endMinute: 13 * 60 } as const;

/** Minute of the Riyadh day and weekday of an instant (UTC+3 all year, no daylight saving). */
function riyadh(ms: number): { day: number; minute: number } {
  const local = new Date(ms + RIYADH_OFFSET_MS);
  return { day: local.getUTCDay(), minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** Whether `minute` lies in [start, end) on a clock that may wrap past midnight (22:00–08:00). */
function within(minute: number, start: number, end: number): boolean {
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Minutes from `minute` until the clock reads `target` (0 when it already does). */
function minutesUntil(minute: number, target: number): number {
  return (target - minute + DAY_MINUTES) % DAY_MINUTES;
}

/**
 * The first instant at or after `at` (epoch ms) when an automatic message may be sent: outside the
 * quiet hours (`QUIET_HOURS`) and outside Friday prayer. A job due in either waits for the minute
 * it ends. `QUIET_HOURS=off` (null) lifts both: the association then sends at any time.
 */
export function nextAllowedTime(at: number, quiet: QuietHours | null): number {
  if (!quiet) return at;
  let candidate = at;
  // Each pass moves past one closed window; two windows can touch (quiet hours ending in prayer time).
  for (let pass = 0; pass < 4; pass += 1) {
    const { day, minute } = riyadh(candidate);
    const startOfMinute = candidate - (candidate % MINUTE);
    if (quiet.startMinute !== quiet.endMinute && within(minute, quiet.startMinute, quiet.endMinute)) {
      candidate = startOfMinute + minutesUntil(minute, quiet.endMinute) * MINUTE;
      continue;
    }
    if (day === FRIDAY_PRAYER.day && within(minute, FRIDAY_PRAYER.startMinute, FRIDAY_PRAYER.endMinute)) {
      candidate = startOfMinute + minutesUntil(minute, FRIDAY_PRAYER.endMinute) * MINUTE;
      continue;
    }
    return candidate;
  }
  return candidate;
}
