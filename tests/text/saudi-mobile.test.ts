import { describe, expect, it } from 'vitest';
import { formatSaudiMobile, readSaudiMobile, type MobileProblem } from '../../src/text/saudi-mobile.js';

describe('readSaudiMobile', () => {
  describe('reads a Saudi mobile number written any common way and stores it in E.164', () => {
    it.each([
      ['0551234567', '+966551234567'],
      ['+966 55 123 4567', '+966551234567'],
      ['00966501234567', '+966501234567'],
      ['966541234567', '+966541234567'],
      ['٠٥٦١٢٣٤٥٦٧', '+966561234567'],
      ['5 9 1234567', '+966591234567'],
      ['۰۵۰۱۲۳۴۵۶۷', '+966501234567'],
      ['055-123-4567', '+966551234567'],
      ['(055) 123 4567', '+966551234567'],
      ['رقمي 0551234567', '+966551234567'],
      ['551234567', '+966551234567'],
      ['\u200F0551234567', '+966551234567'],
      ['\u202B\u200F0551234567\u200F\u202C', '+966551234567'],
    ])('reads "%s" as %s', (text, e164) => {
      expect(readSaudiMobile(text)).toEqual({ ok: true, e164 });
    });
  });

  describe('says what is wrong with a number it refuses', () => {
    it.each<[string, MobileProblem]>([
      ['0451234567', 'prefix'],
      ['12345', 'prefix'],
      ['055123456', 'length'],
      ['05512345678', 'length'],
      ['0555-abc-123', 'length'],
      ['+971501234567', 'foreign'],
      ['00971501234567', 'foreign'],
      ['0138123456', 'landline'],
      ['+966 13 812 3456', 'landline'],
      ['abc', 'missing'],
      ['', 'missing'],
      ['0521234567', 'invalid'],
      ['0579912345', 'invalid'],
    ])('refuses "%s" as %s', (text, problem) => {
      expect(readSaudiMobile(text)).toMatchObject({ ok: false, problem });
    });

    it('picks the mobile out of a sentence that also holds a longer ID number', () => {
      expect(readSaudiMobile('هويتي 1058529940 وجوالي 0551234567')).toEqual({ ok: true, e164: '+966551234567' });
    });

    it('counts the digits of a 05 number that is one digit short or long', () => {
      expect(readSaudiMobile('055123456')).toEqual({ ok: false, problem: 'length', digits: 9 });
      expect(readSaudiMobile('05512345678')).toEqual({ ok: false, problem: 'length', digits: 11 });
    });

    it('finds no number, and so no digits, in words alone', () => {
      expect(readSaudiMobile('ما عندي جوال')).toEqual({ ok: false, problem: 'missing', digits: 0 });
    });

    it('refuses the 052 range that the length-only metadata would accept', () => {
      // libphonenumber's default (min) metadata accepts 0521234567; the /max metadata knows it is no mobile range.
      expect(readSaudiMobile('0521234567')).toEqual({ ok: false, problem: 'invalid', digits: 10 });
    });

    it('accepts the 057 range apart from 0579 9…', () => {
      expect(readSaudiMobile('0570123456')).toEqual({ ok: true, e164: '+966570123456' });
      expect(readSaudiMobile('0579912345')).toEqual({ ok: false, problem: 'invalid', digits: 10 });
    });
  });
});

describe('formatSaudiMobile', () => {
  it('shows a stored Saudi mobile the way Saudis write it', () => {
    expect(formatSaudiMobile('+966551234567')).toBe('055 123 4567');
  });

  it('returns a number from another country unchanged', () => {
    expect(formatSaudiMobile('+971501234567')).toBe('+971501234567');
  });

  it('shows a number that reads back as the same stored number', () => {
    for (const e164 of ['+966501234567', '+966551234567', '+966591234567', '+966570123456']) {
      expect(readSaudiMobile(formatSaudiMobile(e164))).toEqual({ ok: true, e164 });
    }
  });
});
