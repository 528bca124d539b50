import { normalizeArabic, stripInvisible, toAsciiDigits } from '../text/normalize.js';
import type { ParseContext, ParseResult } from './engine-types.js';
import { readNumberWords } from './read-number.js';

const STARS = /[⭐🌟★✪✭]/gu;
/** Faces read as a score, for people who answer a rating with one emoji. */
const FACES: [RegExp, number][] = [
  [/^(?:😍|🤩|🥰|😻|❤️?|💯)$/u, 5],
  [/^(?:😊|🙂|😀|😃|😄|👍(?:\p{Emoji_Modifier})?)$/u, 4],
  [/^(?:😐|😶|🤔)$/u, 3],
  [/^(?:🙁|😕|😞|😔|👎(?:\p{Emoji_Modifier})?)$/u, 2],
  [/^(?:😡|😠|🤬|😢|😭)$/u, 1],
];

/**
 * A 1–5 satisfaction score from whatever the beneficiary sends: a tapped button ("⭐⭐⭐⭐ جيد جدًا"),
 * stars, a digit in any script ("4", "٤", "4/5", "٤ من ٥"), a number word ("اربعة"), a word for the
 * grade ("ممتاز", "زين", "سيء"; lists in `inputs.rating_words.*`), or a face emoji. Anything else,
 * or a number outside 1–5, is refused with a hint.
 */
export function readRating(raw: string, ctx: ParseContext): ParseResult {
  const trimmed = stripInvisible(raw).replace(/\uFE0F/g, '').trim();
  const stars = trimmed.match(STARS)?.length ?? 0;
  if (stars > 0) return stars <= 5 ? { ok: true, value: stars } : outOfRange();
  for (const [face, score] of FACES) if (face.test(trimmed)) return { ok: true, value: score };
  const digits = toAsciiDigits(trimmed);
  const outOf = /^(\d{1,2})\s*(?:\/|من|out of|of)\s*(?:5|٥|خمس[ةه]?|five)$/iu.exec(digits);
  const plain = /^(\d{1,2})(?:\s*(?:نجوم|نجمات|نجمه|نجمة|stars?))?$/iu.exec(digits);
  const number = Number((outOf ?? plain)?.[1] ?? NaN);
  if (!Number.isNaN(number)) return number >= 1 && number <= 5 ? { ok: true, value: number } : outOfRange();
  const text = normalizeArabic(trimmed);
  for (let score = 5; score >= 1; score -= 1) {
    if (ctx.words(`inputs.rating_words.s${score}`).includes(text)) return { ok: true, value: score };
  }
  const word = readNumberWords(trimmed, ctx);
  if (word !== null) return word >= 1 && word <= 5 ? { ok: true, value: word } : outOfRange();
  return { ok: false, error: 'inputs.errors.rating' };
}

function outOfRange(): ParseResult {
  return { ok: false, error: 'inputs.errors.rating_range' };
}
