import { normalizeArabic, stripInvisible, toAsciiDigits } from '../text/normalize.js';
import type { ParseContext, ParseResult } from './engine-types.js';

const DAY_MS = 24 * 3600_000;
const RIYADH_OFFSET_MS = 3 * 3600_000;

/** Today in Asia/Riyadh as [year, month, day]. */
function riyadhToday(nowMs: number): [number, number, number] {
  const d = new Date(nowMs + RIYADH_OFFSET_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function iso(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d.toISOString().slice(0, 10);
}

function plusDays(nowMs: number, days: number): string {
  const [y, m, d] = riyadhToday(nowMs);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A day and month without a year: the nearest such day, before or after today — "20/11" typed on
 * 26 November is six days ago (and can be refused as past), "5/1" typed in December is next January.
 */
function withYear(nowMs: number, month: number, day: number): string | null {
  const [y] = riyadhToday(nowMs);
  const today = Date.parse(`${plusDays(nowMs, 0)}T00:00:00Z`);
  const candidates = [y - 1, y, y + 1].map((year) => iso(year, month, day)).filter((d): d is string => d !== null);
  const distance = (d: string) => Math.abs(Date.parse(`${d}T00:00:00Z`) - today);
  return candidates.sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

function fullYear(year: number): number {
  return year < 100 ? 2000 + year : year;
}

/**
 * A Gregorian day from what a beneficiary types: "2026-12-01", "1/12", "١-١٢-٢٠٢٦", "30 نوفمبر",
 * "November 30", "بكرة", "بعد بكرة", "اليوم", or a weekday ("الأحد", "يوم الاثنين الجاي": the next
 * one after today). Word lists live in `inputs.dates.*`. The value is 'YYYY-MM-DD' (Asia/Riyadh);
 * whether that day can be booked is for the flow's service to say.
 */
export function readDate(raw: string, ctx: ParseContext): ParseResult {
  const nowMs = ctx.now();
  // Digits and separators are read before normalizing, which drops the separators.
  const plain = toAsciiDigits(stripInvisible(raw)).trim();
  const text = normalizeArabic(plain);
  if (text === '') return { ok: false, error: 'inputs.errors.empty' };

  let match = /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$/.exec(plain);
  if (match) return found(iso(Number(match[1]), Number(match[2]), Number(match[3])));
  match = /^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{2}|\d{4}))?$/.exec(plain);
  if (match) {
    const [day, month] = [Number(match[1]), Number(match[2])];
    return found(match[3] ? iso(fullYear(Number(match[3])), month, day) : withYear(nowMs, month, day));
  }

  const words = text.split(' ').filter((w) => w !== '' && !ctx.words('inputs.dates.filler').includes(w));
  const phrase = words.join(' ');
  if (ctx.words('inputs.dates.today').includes(phrase)) return found(plusDays(nowMs, 0));
  if (ctx.words('inputs.dates.tomorrow').includes(phrase)) return found(plusDays(nowMs, 1));
  if (ctx.words('inputs.dates.after_tomorrow').includes(phrase)) return found(plusDays(nowMs, 2));

  for (let weekday = 0; weekday < 7; weekday += 1) {
    if (!ctx.words(`inputs.dates.weekdays.d${weekday}`).includes(phrase)) continue;
    const today = new Date(Date.UTC(...(riyadhToday(nowMs).map((n, i) => (i === 1 ? n - 1 : n)) as [number, number, number]))).getUTCDay();
    const ahead = ((weekday - today + 7) % 7) || 7;
    return found(plusDays(nowMs, ahead));
  }

  // "30 نوفمبر", "30 November 2026", "November 30"
  const month = (token: string) => {
    for (let m = 1; m <= 12; m += 1) if (ctx.words(`inputs.dates.months.m${m}`).includes(token)) return m;
    return null;
  };
  const numbers = words.filter((w) => /^\d{1,4}$/.test(w)).map(Number);
  const monthWords = words.filter((w) => !/^\d+$/.test(w));
  const monthNumber = monthWords.length === 1 ? month(monthWords[0] ?? '') : null;
  if (monthNumber && (numbers.length === 1 || numbers.length === 2)) {
    const [day, year] = numbers as [number, number | undefined];
    return found(year !== undefined ? iso(fullYear(year), monthNumber, day) : withYear(nowMs, monthNumber, day));
  }
  return { ok: false, error: 'inputs.errors.date' };
}

function found(day: string | null): ParseResult {
  return day ? { ok: true, value: day } : { ok: false, error: 'inputs.errors.date_invalid' };
}
