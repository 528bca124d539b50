import { describe, expect, it } from 'vitest';
import { maskMobile, maskName, maskNationalId } from '../../src/privacy/mask.js';

describe('masking what the beneficiary is shown of their own data', () => {
  it('keeps the first letter of each word of a name', () => {
    expect(maskName('خالد سعد الدوسري')).toBe('خ*** س*** ا***');
    expect(maskName('  Noura   Al-Otaibi ')).toBe('N*** A***');
  });

  it('keeps the first digit and the last two of a national ID', () => {
    expect(maskNationalId('1058529921')).toBe('1•••••••21');
    expect(maskNationalId('2000000006')).toBe('2•••••••06');
    expect(maskNationalId('12')).toBe('••');
  });

  it('shows a mobile in the national layout with only its last two digits', () => {
    expect(maskMobile('+966501234567')).toBe('05• ••• ••67');
    expect(maskMobile('0551234598')).toBe('05• ••• ••98');
    expect(maskMobile('+441234567890')).toBe('•••90');
  });
});
