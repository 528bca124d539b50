import { describe, expect, it } from 'vitest';
import { nextAllowedTime } from '../../src/followups/quiet-hours.js';

const QUIET = { startMinute: 22 * 60, endMinute: 8 * 60 };
/** An instant given as Riyadh wall-clock time (UTC+3). */
const riyadh = (isoLocal: string) => Date.parse(`${isoLocal}+03:00`);
const show = (ms: number) => new Date(ms + 3 * 3600_000).toISOString().slice(0, 16);

describe('when an automatic message may go out', () => {
  it('sends at once in the afternoon of a working day', () => {
    expect(show(nextAllowedTime(riyadh('2026-11-29T15:20:00'), QUIET))).toBe('2026-11-29T15:20');
  });

  it('holds a message due at 23:10 until 08:00 the next morning', () => {
    expect(show(nextAllowedTime(riyadh('2026-11-29T23:10:00'), QUIET))).toBe('2026-11-30T08:00');
  });

  it('holds a message due at 02:00 until 08:00 the same morning', () => {
    expect(show(nextAllowedTime(riyadh('2026-11-30T02:00:30'), QUIET))).toBe('2026-11-30T08:00');
  });

  it('waits out Friday prayer', () => {
    // 2026-11-27 is a Friday.
    expect(show(nextAllowedTime(riyadh('2026-11-27T11:45:00'), QUIET))).toBe('2026-11-27T13:00');
    expect(show(nextAllowedTime(riyadh('2026-11-27T10:59:00'), QUIET))).toBe('2026-11-27T10:59');
  });

  it('moves past both when quiet hours end inside Friday prayer', () => {
    const lateQuiet = { startMinute: 22 * 60, endMinute: 12 * 60 };
    expect(show(nextAllowedTime(riyadh('2026-11-27T03:00:00'), lateQuiet))).toBe('2026-11-27T13:00');
  });

  it('lets everything through when quiet hours are off (QUIET_HOURS=off), Friday noon included', () => {
    expect(show(nextAllowedTime(riyadh('2026-11-29T23:10:00'), null))).toBe('2026-11-29T23:10');
    expect(show(nextAllowedTime(riyadh('2026-11-27T12:00:00'), null))).toBe('2026-11-27T12:00');
  });
});
