import { matchCity } from '../text/eastern-province.js';
import { normalizeArabic, stripInvisible, toAsciiDigits } from '../text/normalize.js';
import { readSaudiMobile } from '../text/saudi-mobile.js';
import { readNumber, readNumberWords } from './read-number.js';
import { readDate } from './read-date.js';
import { readRating } from './read-rating.js';

export { readNumber } from './read-number.js';
import type { AttachmentInput, ParseContext, ParseResult } from './engine-types.js';
import type { FlowStep, InputType } from './schema.js';

/**
 * Answer readers, one per input type. Each takes what the beneficiary sent and either returns the
 * normalized value or the locale key of a message that says exactly what is wrong.
 * Types without a reader yet are refused when flows load.
 */
export type InputReader = (raw: string, step: FlowStep, ctx: ParseContext) => ParseResult;

export const MAX_TEXT_ANSWER = 500;

const readText: InputReader = (raw) => {
  const text = stripInvisible(raw).replace(/\s+/g, ' ').trim();
  if (text === '') return { ok: false, error: 'inputs.errors.empty' };
  if (text.length > MAX_TEXT_ANSWER) return { ok: false, error: 'inputs.errors.too_long', params: { max: MAX_TEXT_ANSWER } };
  return { ok: true, value: text };
};

const readNumberAnswer: InputReader = (raw, step, ctx) => {
  const value = readNumber(raw) ?? readNumberWords(raw, ctx);
  if (value === null) return { ok: false, error: 'inputs.errors.number' };
  if (step.min !== undefined && value < step.min) return { ok: false, error: 'inputs.errors.number_min', params: { min: step.min } };
  if (step.max !== undefined && value > step.max) return { ok: false, error: 'inputs.errors.number_max', params: { max: step.max } };
  return { ok: true, value };
};

/** A choice as readers see it: a label key (or a computed `text`), and extra `match` words. */
type ReadableChoice = { value: string; label: string; text?: string; match?: string };

/**
 * The choice a message picks: by its number in the list ("2", "٢"), its value, its label in either
 * language (or its computed text), or one of its extra `match` words; null when none.
 */
export function pickChoice(raw: string, choices: readonly ReadableChoice[], ctx: ParseContext): string | null {
  const text = normalizeArabic(raw);
  const index = /^\d{1,2}$/.test(text) ? Number(text) - 1 : -1;
  const byIndex = choices[index];
  if (byIndex) return byIndex.value;
  const found = choices.find(
    (c) =>
      c.value === text ||
      (c.text !== undefined ? normalizeArabic(c.text) === text : ctx.words(c.label).includes(text)) ||
      (c.match ? ctx.words(c.match).includes(text) : false),
  );
  return found ? found.value : null;
}

const readChoice: InputReader = (raw, step, ctx) => {
  const choices = (step.choices ?? []) as readonly ReadableChoice[];
  const picked = pickChoice(raw, choices, ctx);
  if (picked !== null) return { ok: true, value: picked };
  return { ok: false, error: 'inputs.errors.choice', params: { count: choices.length } };
};

const YES_EMOJI = /^(?:👍|👌|✅|✔️?)(?:\p{Emoji_Modifier})?$/u;
const NO_EMOJI = /^(?:👎|❌|✖️?)(?:\p{Emoji_Modifier})?$/u;

const readYesNo: InputReader = (raw, _step, ctx) => {
  const trimmed = stripInvisible(raw).trim();
  if (YES_EMOJI.test(trimmed)) return { ok: true, value: true };
  if (NO_EMOJI.test(trimmed)) return { ok: true, value: false };
  const text = normalizeArabic(trimmed);
  if (ctx.words('inputs.yes_words').includes(text)) return { ok: true, value: true };
  if (ctx.words('inputs.no_words').includes(text)) return { ok: true, value: false };
  return { ok: false, error: 'inputs.errors.yes_no' };
};

/** Saudi national ID (1…) or iqama (2…): ten digits with a Luhn check digit. */
export function isValidNationalId(id: string): boolean {
  if (!/^[12]\d{9}$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i += 1) {
    let digit = Number(id[i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const readNationalId: InputReader = (raw) => {
  const digits = toAsciiDigits(stripInvisible(raw)).replace(/[\s-]/g, '');
  const found = /\d+/.exec(digits)?.[0] ?? '';
  if (found.length !== 10) return { ok: false, error: 'inputs.errors.national_id_length', params: { count: found.length } };
  if (!/^[12]/.test(found)) return { ok: false, error: 'inputs.errors.national_id_start' };
  if (!isValidNationalId(found)) return { ok: false, error: 'inputs.errors.national_id_checksum' };
  return { ok: true, value: found };
};

const readPhone: InputReader = (raw) => {
  const reading = readSaudiMobile(raw);
  if (reading.ok) return { ok: true, value: reading.e164 };
  return { ok: false, error: `inputs.errors.phone_${reading.problem}`, params: { count: reading.digits } };
};

/**
 * The city, as one canonical id (`ahsa` for الأحساء, الهفوف, Hofuf…). A known city outside the
 * Eastern Province is refused with the reason (the association serves the province) and a button
 * to stop the application; typing a city of the province goes on.
 */
const readCity: InputReader = (raw) => {
  const match = matchCity(raw);
  if (match.kind === 'province') return { ok: true, value: match.id };
  if (match.kind === 'outside') return { ok: false, error: 'inputs.errors.city_outside', offers: ['offers.stop', 'offers.human'] };
  return { ok: false, error: normalizeArabic(raw) === '' ? 'inputs.errors.empty' : 'inputs.errors.city_unknown' };
};

export const INPUT_READERS: Partial<Record<InputType, InputReader>> = {
  text: readText,
  phone: readPhone,
  city: readCity,
  number: readNumberAnswer,
  choice: readChoice,
  yesNo: readYesNo,
  nationalId: readNationalId,
  rating: (raw, _step, ctx) => readRating(raw, ctx),
  date: (raw, step, ctx) => {
    // A day offered as a button (or its number in the list) first, then a date in words or digits.
    const picked = step.choices?.length ? pickChoice(raw, step.choices as readonly ReadableChoice[], ctx) : null;
    return picked !== null ? { ok: true, value: picked } : readDate(raw, ctx);
  },
  attachment: () => ({ ok: false, error: 'inputs.errors.attachment' }),
};

/** Attachments answer an `attachment` question; text there is refused with a hint (or "later" when optional). */
export function readAttachments(attachments: AttachmentInput[]): ParseResult {
  if (attachments.length === 0) return { ok: false, error: 'inputs.errors.attachment' };
  return { ok: true, value: attachments.map((a) => ({ name: a.name, contentType: a.contentType, id: a.id ?? null })) };
}
