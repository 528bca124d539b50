import { normalizeArabic } from '../text/normalize.js';

/** The locale key of the phrases that show severe distress or a risk of self-harm (`locales/{ar,en}/safety.yaml`). */
export const DISTRESS_PHRASES_KEY = 'safety.phrases';
/** The locale key of phrases that look like distress but say the opposite («ما ابي اموت», "don't want to die"). */
export const NOT_DISTRESS_KEY = 'safety.not_distress';

/** Where the word lists come from: `Vocabulary.words`, normalized `|`-lists of every locale at once. */
export type PhraseSource = { words(key: string): string[] };

/** Conjunctions written joined to the next word in Arabic: «وابي اموت», «فانتحر». */
const LEADING_CLITICS = ['', 'و', 'ف'];

/** Longer messages are only read this far; a long story still shows its distress early enough, and matching stays cheap. */
const MAX_CHARS = 4000;

/**
 * Tells whether a message shows severe distress or a risk of self-harm, from a maintained phrase
 * list per language. Phrases match whole words after Arabic normalization («أبي أموت» is «ابي اموت»),
 * optionally with a leading و/ف; a phrase never matches inside a longer word or from a single
 * shared word, so «موت الأجنة» is not «ابي اموت» and "the embryo died" is not "I want to die".
 * Phrases of the exception list («ما ابي اموت») are taken out of the message first.
 *
 * The list is deliberately specific rather than clever: a missed message still reaches a person
 * through the usual handoff, while a false alarm on ordinary infertility words («تعبت من العلاج»)
 * would teach staff to ignore the flag.
 *
 * @example
 * const detector = DistressDetector.fromVocabulary(vocabulary);
 * detector.detect('والله تعبت من الحياة'); // true
 * detector.detect('تعبت من العلاج'); // false
 */
export class DistressDetector {
  private readonly phrases: readonly string[];
  private readonly exceptions: readonly string[];

  constructor(phrases: readonly string[], exceptions: readonly string[] = []) {
    this.phrases = normalizedList(phrases);
    // Longest first, so «ما ابي اموت» is taken out before a shorter exception could split it.
    this.exceptions = normalizedList(exceptions).sort((a, b) => b.length - a.length);
  }

  /** A detector with the phrases of every locale (`safety.phrases`, `safety.not_distress`). */
  static fromVocabulary(source: PhraseSource): DistressDetector {
    return new DistressDetector(source.words(DISTRESS_PHRASES_KEY), source.words(NOT_DISTRESS_KEY));
  }

  /** How many phrases the detector knows (all languages together). */
  get size(): number {
    return this.phrases.length;
  }

  /** True when the message contains one of the phrases as whole words. */
  detect(text: string): boolean {
    return this.match(text) !== null;
  }

  /** The (normalized) phrase the message contains, or null. For tests and tuning; never log it. */
  match(text: string): string | null {
    let padded = ` ${normalizeArabic(text.slice(0, MAX_CHARS))} `;
    for (const exception of this.exceptions) {
      // Replaced by two spaces, so the words on either side stay separate words.
      while (padded.includes(` ${exception} `)) padded = padded.replace(` ${exception} `, '  ');
    }
    for (const phrase of this.phrases) {
      if (LEADING_CLITICS.some((clitic) => padded.includes(` ${clitic}${phrase} `))) return phrase;
    }
    return null;
  }
}

function normalizedList(phrases: readonly string[]): string[] {
  return [...new Set(phrases.map(normalizeArabic).filter((p) => p !== ''))];
}
