import { describe, expect, it } from 'vitest';
import { isWorkingTime, nextOpening, parseWorkingHours } from '../../src/staff/working-hours.js';

const hours = parseWorkingHours('08:00-15:00');
/** An instant given in Riyadh time (UTC+3). */
const riyadh = (iso: string) => new Date(`${iso}+03:00`);

describe('working hours (Sunday–Thursday, Asia/Riyadh)', () => {
  it('is open on a Sunday morning and closed on a Friday', () => {
    expect(isWorkingTime(riyadh('2026-11-29T09:30:00'), hours)).toBe(true); // Sunday
    expect(isWorkingTime(riyadh('2026-11-27T10:00:00'), hours)).toBe(false); // Friday
  });

  it('is closed before the start and from the end time on', () => {
    expect(isWorkingTime(riyadh('2026-11-26T07:59:00'), hours)).toBe(false);
    expect(isWorkingTime(riyadh('2026-11-26T15:00:00'), hours)).toBe(false);
  });

  it('opens next on Sunday morning for a message on Thursday evening or the weekend', () => {
    expect(nextOpening(riyadh('2026-11-26T20:00:00'), hours)).toEqual(riyadh('2026-11-29T08:00:00'));
    expect(nextOpening(riyadh('2026-11-28T11:00:00'), hours)).toEqual(riyadh('2026-11-29T08:00:00'));
  });

  it('opens the same morning for a message at dawn on a working day', () => {
    expect(nextOpening(riyadh('2026-11-30T05:00:00'), hours)).toEqual(riyadh('2026-11-30T08:00:00'));
  });

  it('refuses hours that are not HH:MM-HH:MM with the start first', () => {
    expect(() => parseWorkingHours('8-15')).toThrow();
    expect(() => parseWorkingHours('15:00-08:00')).toThrow();
  });
});
