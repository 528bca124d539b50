import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { stripInvisible, toAsciiDigits } from './normalize.js';

/**
 * Why a text is not a Saudi mobile number, so the beneficiary is told exactly what to fix:
 * - `missing`: no number in the text;
 * - `foreign`: a number with another country's code;
 * - `landline`: a Saudi landline (the Eastern Province's 013 …);
 * - `prefix`: a Saudi number that does not start with 5 after the 0;
 * - `length`: a 05… number with the wrong number of digits (`digits` says how many were typed);
 * - `invalid`: the right shape but not a number range in use for mobiles (052…, 0579 9…).
 */
export type MobileProblem = 'missing' | 'foreign' | 'landline' | 'prefix' | 'length' | 'invalid';

export type MobileReading = { ok: true; e164: string } | { ok: false; problem: MobileProblem; digits: number };

/** A run of digits with the separators people type between them: spaces, dashes, dots, brackets. */
const NUMBER_RUN = /(?:\+|\b00)?\d[\d\s\-.()]*\d|\d/g;

/**
 * Reads a Saudi mobile number written any common way — `0551234567`, `551234567`, `+966 55 123 4567`,
 * `00966551234567`, `966551234567`, with spaces or dashes, in Arabic-Indic or Persian digits, inside
 * a sentence — and returns it in E.164 (`+966551234567`). The check uses libphonenumber's full
 * metadata, which knows which 05X ranges are mobiles (the length-only default accepts 052…).
 */
export function readSaudiMobile(text: string): MobileReading {
  const ascii = toAsciiDigits(stripInvisible(text));
  // Longest run first; in "هويتي 1058529940 وجوالي 0551234567" the mobile wins over the longer ID.
  const runs = [...ascii.matchAll(NUMBER_RUN)].map((m) => m[0]).sort((a, b) => digitCount(b) - digitCount(a));
  if (runs.length === 0) return { ok: false, problem: 'missing', digits: 0 };
  const readings = runs.map(readRun);
  return readings.find((r) => r.ok) ?? readings[0] ?? { ok: false, problem: 'missing', digits: 0 };
}

function readRun(run: string): MobileReading {
  const international = run.startsWith('+') || run.startsWith('00');
  let digits = run.replace(/\D/g, '');
  if (run.startsWith('00')) digits = digits.slice(2);
  if (international || (digits.startsWith('966') && digits.length >= 11)) {
    if (!digits.startsWith('966')) return { ok: false, problem: 'foreign', digits: digits.length };
    digits = digits.slice(3);
  }
  const national = digits.replace(/^0/, '');
  if (/^1[1-7]\d{7}$/.test(national)) return { ok: false, problem: 'landline', digits: digits.length };
  if (!national.startsWith('5')) return { ok: false, problem: 'prefix', digits: digits.length };
  if (national.length !== 9) return { ok: false, problem: 'length', digits: national.length + 1 };
  const parsed = parsePhoneNumberFromString(`+966${national}`);
  if (!parsed?.isValid() || parsed.getType() !== 'MOBILE') return { ok: false, problem: 'invalid', digits: 10 };
  return { ok: true, e164: parsed.number };
}

/** `+966551234567` → `055 123 4567`, the way Saudis write a mobile number. */
export function formatSaudiMobile(e164: string): string {
  const national = /^\+966(5\d{8})$/.exec(e164)?.[1];
  if (!national) return e164;
  return `0${national.slice(0, 2)} ${national.slice(2, 5)} ${national.slice(5)}`;
}

function digitCount(text: string): number {
  return text.replace(/\D/g, '').length;
}
