/**
 * Arabic-aware text normalization for matching (never for display). Beneficiaries type the same word
 * many ways: with or without diacritics and tatweel, أ/إ/آ/ا, ة/ه, ى/ي, Arabic-Indic or Persian digits,
 * and phones add invisible bidi marks. Everything that compares text goes through here first.
 */

const DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;
const BIDI_AND_ZERO_WIDTH = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u061C]/g;
const ARABIC_INDIC_ZERO = 0x0660;
const PERSIAN_ZERO = 0x06f0;

/** Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII; Arabic decimal/thousands separators too. */
export function toAsciiDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - ARABIC_INDIC_ZERO))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - PERSIAN_ZERO))
    .replace(/\u066B/g, '.')
    .replace(/\u066C/g, ',');
}

/** Removes bidi controls and zero-width characters that phones insert around numbers and names. */
export function stripInvisible(text: string): string {
  return text.replace(BIDI_AND_ZERO_WIDTH, '');
}

/**
 * The matching form of a text: invisible marks, diacritics and tatweel removed, letter variants folded,
 * digits in ASCII, Latin lower-cased, punctuation to spaces, whitespace collapsed.
 *
 * @example normalizeArabic('  الإنْجَـــاب؟ ') === 'الانجاب'
 */
export function normalizeArabic(text: string): string {
  return toAsciiDigits(stripInvisible(text.normalize('NFKC')))
    .replace(DIACRITICS, '')
    .replace(TATWEEL, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when the text has any Arabic letter. */
export function hasArabic(text: string): boolean {
  return /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]/.test(text);
}

/** True when the text has any Latin letter. */
export function hasLatin(text: string): boolean {
  return /[A-Za-z]/.test(text);
}
