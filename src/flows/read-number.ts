import { normalizeArabic, stripInvisible, toAsciiDigits } from '../text/normalize.js';

/** Words that multiply the number before them, in their normalized form ("5 آلاف", "خمس مية"). */
const MULTIPLIERS: [RegExp, number][] = [
  [/^(?:ميه|مايه|مئه|hundred)$/, 100],
  [/^(?:الف|الاف|k|thousand)$/, 1000],
  [/^(?:مليون|ملايين|million|m)$/, 1_000_000],
];

const multiplierOfToken = (token: string): number | undefined => MULTIPLIERS.find(([pattern]) => pattern.test(token))?.[1];

function multiplierOf(rest: string): number {
  return rest
    .split(' ')
    .map(multiplierOfToken)
    .reduce<number>((factor, times) => factor * (times ?? 1), 1);
}

/** Reads "5 آلاف", "٥٠٠٠", "5,000", "5000 ريال" and "5.5" as numbers; null when there is no single number. */
export function readNumber(raw: string): number | null {
  const text = toAsciiDigits(stripInvisible(raw)).replace(/[\u066C,،](?=\d{3}\b)/g, '').trim();
  const match = /-?\d+(?:\.\d+)?/.exec(text);
  if (!match) return null;
  if ((text.match(/\d+(?:\.\d+)?/g) ?? []).length > 1) return null;
  const value = Number(match[0]) * multiplierOf(normalizeArabic(text.replace(match[0], ' ')));
  // `+ 0` turns "-0" into 0: -0 is stored as 0 (JSON), so the answer kept would not be the one checked.
  return Number.isFinite(value) ? value + 0 : null;
}

/** The values that have word lists under `inputs.numbers.n<N>`. */
export const NUMBER_WORD_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 60, 70, 80, 90, 1000, 2000] as const;

type Vocabulary = { words(key: string): string[] };

/**
 * Reads a number written in words, the way people answer in a chat: "ثلاث سنوات", "سنتين",
 * "خمسة آلاف", "خمس مية", "ثلاثة وثلاثين", "ما عندنا", "two thousand". Only unit words
 * (`inputs.number_units`: سنوات، ريال، أطفال…) may follow; anything else ("لا ادري", "no idea")
 * is not a number, so the question is asked again rather than a wrong value kept.
 */
export function readNumberWords(raw: string, vocabulary: Vocabulary): number | null {
  const text = normalizeArabic(raw);
  const phrases = NUMBER_WORD_VALUES.flatMap((n) => vocabulary.words(`inputs.numbers.n${n}`).map((phrase) => ({ n, phrase })));
  // The longest phrase first: "خمسه عشر" is 15, not 5 followed by something.
  phrases.sort((a, b) => b.phrase.length - a.phrase.length);
  const first = phrases.find(({ phrase }) => text === phrase || text.startsWith(`${phrase} `));
  if (!first) return null;
  const valueOf = (token: string) => phrases.find(({ phrase }) => phrase === token)?.n;
  const units = new Set(vocabulary.words('inputs.number_units'));
  let value = first.n;
  const rest = text.slice(first.phrase.length).trim().split(' ').filter((token) => token !== '');
  for (const [index, token] of rest.entries()) {
    const tens = token.startsWith('و') ? valueOf(token.slice(1)) : undefined;
    if (index === 0 && tens !== undefined && tens >= 20 && tens <= 90 && value < 10) value += tens;
    else if (multiplierOfToken(token) !== undefined) value *= multiplierOfToken(token) ?? 1;
    else if (!units.has(token) && !(first.n === 1 && valueOf(token) === 1)) return null;
  }
  return value;
}
