import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../src/errors/store-errors.js';
import {
  ACTIVE_BOOKING_STATUSES,
  BOOKING_STATUSES,
  canMoveDelivery,
  drawRequestReference,
  isActiveBooking,
  parseRequestReference,
  REFERENCE_ATTEMPTS,
  REQUEST_REFERENCE_PATTERN,
  windowHasRoom,
  withFreshReference,
} from '../../src/store/record-values.js';
import type { DeliveryState } from '../../src/store/types.js';

describe('parseRequestReference', () => {
  it.each([
    ['4827-5396', 'the canonical form'],
    ['4827 5396', 'a space between the groups'],
    ['48275396', 'nothing between the groups'],
    ['4827 - 5396', 'spaces around the dash'],
    ['4827–5396', 'an en dash, as phones sometimes autocorrect'],
    ['٤٨٢٧-٥٣٩٦', 'Arabic-Indic digits'],
    ['۴۸۲۷ ۵۳۹۶', 'Persian digits'],
    ['٤٨٢٧٥٣٩٦', 'Arabic-Indic digits with nothing between'],
    ['حالة طلبي 4827-5396', 'inside an Arabic sentence'],
    ['رقم الطلب: ٤٨٢٧ ٥٣٩٦، شكراً', 'inside a sentence, before punctuation'],
    ['my request is 4827-5396.', 'inside an English sentence'],
    ['\u20664827-5396\u2069', 'wrapped in the bidi marks phones add'],
    ['٤٨٢٧-5396', 'mixed digit scripts'],
  ])('reads %s (%s) as 4827-5396', (typed) => {
    expect(parseRequestReference(typed)).toBe('4827-5396');
  });

  it.each([
    ['4827-539', 'seven digits'],
    ['4827-53962', 'nine digits'],
    ['482753962', 'nine digits with nothing between'],
    ['4827-5306', 'a 0 inside'],
    ['4817-5396', 'a 1 inside'],
    ['1527914301', 'a 10-digit national ID'],
    ['0551234567', 'a mobile number'],
    ['055 2345 6789', 'a number typed in groups, with a reference-like tail'],
    ['+966 5523 4567', 'an international number typed in groups'],
    ['48-27-53-96', 'digits grouped some other way'],
    ['INJ-2025-000123', 'an old-style reference'],
    ['', 'nothing'],
    ['شكراً', 'no digits at all'],
  ])('refuses %s (%s)', (typed) => {
    expect(parseRequestReference(typed)).toBeNull();
  });

  it('returns the first reference when a message holds a phone number and then a reference', () => {
    expect(parseRequestReference('جوالي 0551234567 وطلبي 2345-6789')).toBe('2345-6789');
  });
});

describe('drawRequestReference', () => {
  it('draws canonical references from the digits 2 to 9 only', () => {
    const drawn = Array.from({ length: 500 }, drawRequestReference);
    for (const reference of drawn) expect(reference).toMatch(REQUEST_REFERENCE_PATTERN);
    const digitsSeen = new Set(drawn.join('').replaceAll('-', ''));
    expect([...digitsSeen].sort()).toEqual(['2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('draws a reference that parses back to itself', () => {
    const reference = drawRequestReference();
    expect(parseRequestReference(reference)).toBe(reference);
  });
});

describe('canMoveDelivery', () => {
  // Rows: the state a message is in (null: never recorded); columns: pending, sent, delivered, read, failed.
  const table: [DeliveryState | null, string][] = [
    [null, 'yyyyy'],
    ['pending', 'nyyyy'],
    ['sent', 'nnyyy'],
    ['delivered', 'nnnyn'],
    ['read', 'nnnnn'],
    ['failed', 'nyyyn'],
  ];
  const targets: DeliveryState[] = ['pending', 'sent', 'delivered', 'read', 'failed'];
  it.each(table)('from %s moves only forward (%s)', (current, allowed) => {
    expect(targets.map((next) => (canMoveDelivery(current, next) ? 'y' : 'n')).join('')).toBe(allowed);
  });
});

describe('withFreshReference', () => {
  it('names what it could not draw a reference for after every attempt clashed', async () => {
    let attempts = 0;
    const clash = async () => {
      attempts += 1;
      throw new StoreConflictError('booking');
    };
    const error = await withFreshReference(clash, 'booking reference').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StoreConflictError);
    expect(error).toMatchObject({ code: 'STORE_CONFLICT', message: 'booking reference already exists' });
    expect(attempts).toBe(REFERENCE_ATTEMPTS);
  });
});

describe('booking places', () => {
  it('counts requested and confirmed bookings as holding a place, and nothing else', () => {
    expect(BOOKING_STATUSES.filter(isActiveBooking)).toEqual([...ACTIVE_BOOKING_STATUSES]);
    expect(ACTIVE_BOOKING_STATUSES).toEqual(['requested', 'confirmed']);
  });

  it('has room only while fewer than the capacity are taken, and none for a capacity that is no number', () => {
    expect(windowHasRoom(2, 3)).toBe(true);
    expect(windowHasRoom(3, 3)).toBe(false);
    expect(windowHasRoom(0, 0)).toBe(false);
    expect(windowHasRoom(0, Number.NaN)).toBe(false);
  });
});
