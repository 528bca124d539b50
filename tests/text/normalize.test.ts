import { describe, expect, it } from 'vitest';
import { hasArabic, hasLatin, normalizeArabic, stripInvisible, toAsciiDigits } from '../../src/text/normalize.js';

describe('normalizeArabic', () => {
  it.each([
    ['أحمد', 'احمد'],
    ['إنجاب', 'انجاب'],
    ['آمنة', 'امنه'],
    ['ٱلرحمن', 'الرحمن'],
  ])('folds the alef with hamza or madda in "%s"', (text, expected) => {
    expect(normalizeArabic(text)).toBe(expected);
  });

  it('folds hamza on waw and on ya', () => {
    expect(normalizeArabic('مسؤول')).toBe('مسوول');
    expect(normalizeArabic('رئيسية')).toBe('رييسيه');
  });

  it('matches ة and ه, so "القائمة" and "القائمه" are the same word', () => {
    expect(normalizeArabic('القائمة')).toBe(normalizeArabic('القائمه'));
    expect(normalizeArabic('جمعية')).toBe('جمعيه');
  });

  it('matches ى and ي', () => {
    expect(normalizeArabic('مستشفى')).toBe('مستشفي');
    expect(normalizeArabic('على')).toBe(normalizeArabic('علي'));
  });

  it('removes diacritics', () => {
    expect(normalizeArabic('مُسَاعَدَةٌ')).toBe('مساعده');
    expect(normalizeArabic('شُكْرًا')).toBe('شكرا');
    expect(normalizeArabic('هٰذا')).toBe('هذا');
  });

  it('removes tatweel', () => {
    expect(normalizeArabic('مـــرحـبـا')).toBe('مرحبا');
  });

  it('turns Arabic-Indic and Persian digits into ASCII digits', () => {
    expect(normalizeArabic('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(normalizeArabic('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
  });

  it('removes bidi marks and zero-width characters', () => {
    expect(normalizeArabic('\u200Fنعم\u200E')).toBe('نعم');
    expect(normalizeArabic('\u202Bرجوع\u202C')).toBe('رجوع');
    expect(normalizeArabic('\u2067موظف\u2069\u200B')).toBe('موظف');
    expect(normalizeArabic('\uFEFF\u061Cلا')).toBe('لا');
  });

  it('lower-cases Latin, turns punctuation into spaces and collapses whitespace', () => {
    expect(normalizeArabic('  Talk   to a PERSON, please! ')).toBe('talk to a person please');
    expect(normalizeArabic('السلام عليكم، كم مدة الرد؟')).toBe('السلام عليكم كم مده الرد');
  });

  it('handles everything at once, as in its documentation', () => {
    expect(normalizeArabic('  الإنْجَـــاب؟ ')).toBe('الانجاب');
  });

  it('folds presentation forms through NFKC', () => {
    expect(normalizeArabic('\uFEFB')).toBe('لا');
  });

  it('gives an empty string for punctuation and marks only', () => {
    expect(normalizeArabic(' ؟!\u200F… ')).toBe('');
  });
});

describe('toAsciiDigits', () => {
  it('converts digits and the Arabic decimal and thousands separators, keeping other text', () => {
    expect(toAsciiDigits('المبلغ ١٢٬٥٠٠٫٧٥ ريال')).toBe('المبلغ 12,500.75 ريال');
    expect(toAsciiDigits('۱۲۳ abc')).toBe('123 abc');
  });

  it('keeps letters and diacritics as they are (display text is not normalized)', () => {
    expect(toAsciiDigits('أحمدُ')).toBe('أحمدُ');
  });
});

describe('stripInvisible', () => {
  it('removes only invisible characters', () => {
    expect(stripInvisible('\u200E0501234567\u200F')).toBe('0501234567');
    expect(stripInvisible('إنجاب')).toBe('إنجاب');
  });
});

describe('script detection', () => {
  it('tells Arabic and Latin text apart', () => {
    expect(hasArabic('مرحبا hi')).toBe(true);
    expect(hasArabic('hello 123')).toBe(false);
    expect(hasLatin('مرحبا hi')).toBe(true);
    expect(hasLatin('مرحبا ١٢٣')).toBe(false);
  });
});
