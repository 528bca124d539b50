import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { normalizeArabic } from '../text/normalize.js';

/**
 * Turns a question or a knowledge text into search terms, the same way on both sides:
 * Arabic normalization, synonym phrases and words (Gulf dialect → one form, Arabic ↔ English
 * concepts), clitics and the article off, a light stem, and words that carry no meaning dropped.
 * Question words that carry the intent (متى، كم، كيف، وين، when, how) are kept on purpose.
 *
 * @example analyzer.terms('وش ارقام التواصل عندكم؟') // ['رقم', 'تواصل']
 */
export class Analyzer {
  /** Multi-word synonyms by their first word, longest first: "وش لون" is read before "وش". */
  private readonly phrases = new Map<string, { words: string[]; canonical: string }[]>();
  private readonly words = new Map<string, string>();

  constructor(groups: readonly (readonly string[])[]) {
    for (const group of groups) {
      const normalized = group.map(normalizeArabic).filter((w) => w !== '');
      const canonical = normalized[0];
      if (!canonical) continue;
      const token = canonical.replace(/ /g, '_');
      for (const variant of normalized) {
        const words = variant.split(' ');
        const first = words[0] ?? '';
        if (words.length > 1) this.phrases.set(first, [...(this.phrases.get(first) ?? []), { words, canonical: token }]);
        else this.words.set(variant, token);
      }
      if (canonical.includes(' ')) this.words.set(token, token);
    }
    for (const list of this.phrases.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /** The search terms of a text, in order, duplicates kept (BM25 counts them); each word's alternative too. */
  terms(text: string): string[] {
    return this.termGroups(text).flat();
  }

  /**
   * The terms of a text grouped by word: the word's term first, then a looser alternative for
   * Arabic verb and participle forms (اتابع / متابعه → تابع), so one word counts once when a
   * question is weighed, whichever of its forms the knowledge uses.
   */
  termGroups(text: string): string[][] {
    const tokens = normalizeArabic(text).split(' ');
    const out: string[][] = [];
    for (let i = 0; i < tokens.length; i += 1) {
      const phrase = this.phraseAt(tokens, i);
      if (phrase) {
        if (!STOPWORDS.has(phrase.canonical)) out.push([phrase.canonical]);
        i += phrase.words.length - 1;
        continue;
      }
      const token = tokens[i] ?? '';
      // "و" may be "and" (وزوجي) or the word's own letter (وظيفه, وقت): both readings are kept.
      const withoutAnd = /^و[\u0621-\u064a]{3,}$/.test(token) ? this.term(token.slice(1)) : null;
      const term = this.term(token) ?? withoutAnd;
      if (!term) continue;
      const group = [term, withoutAnd, this.looser(term), withoutAnd ? this.looser(withoutAnd) : null];
      out.push([...new Set(group.filter((t): t is string => t !== null))]);
    }
    return out;
  }

  /** One verb/participle prefix off a longer Arabic stem (ا ي ت ن م, or است), mapped through the synonyms. */
  private looser(term: string): string | null {
    if (!/^[\u0621-\u064a]{4,}$/.test(term) || this.words.has(term)) return null;
    const cut = term.length >= 6 && term.startsWith('است') ? term.slice(3) : /^[ايتنم]/.test(term) ? term.slice(1) : null;
    if (!cut) return null;
    const mapped = this.words.get(cut) ?? cut;
    return STOPWORDS.has(mapped) || mapped === term ? null : mapped;
  }

  private phraseAt(tokens: readonly string[], at: number): { words: string[]; canonical: string } | undefined {
    return this.phrases.get(tokens[at] ?? '')?.find(({ words }) => words.every((w, k) => tokens[at + k] === w));
  }

  private term(token: string): string | null {
    if (token === '') return null;
    const synonym = this.words.get(token);
    if (synonym) return STOPWORDS.has(synonym) ? null : synonym;
    if (/^[a-z0-9_'-]+$/.test(token)) return this.englishTerm(token);
    const bare = stripPrefixes(token);
    const viaBare = this.words.get(bare);
    if (viaBare) return STOPWORDS.has(viaBare) ? null : viaBare;
    if (STOPWORDS.has(token) || STOPWORDS.has(bare)) return null;
    const stem = stripSuffixes(bare);
    const viaStem = this.words.get(stem) ?? stem;
    return STOPWORDS.has(viaStem) ? null : viaStem;
  }

  private englishTerm(token: string): string | null {
    const word = token.replace(/'s$/, '');
    if (STOPWORDS.has(word)) return null;
    if (/^\d+$/.test(word)) return word;
    const stem = englishStemmer(word);
    return this.words.get(stem) ?? stem;
  }
}

/**
 * Definite article with attached conjunctions/prepositions (light stemming, after Larkey's light10).
 * A bare leading "و" is not cut here: the analyzer keeps both readings of such a word.
 */
const ARTICLE_PREFIXES = ['وبال', 'وال', 'بال', 'كال', 'فال', 'لل', 'ال'];

export function stripPrefixes(token: string): string {
  const word = token;
  for (const prefix of ARTICLE_PREFIXES) {
    if (word.startsWith(prefix) && word.length - prefix.length >= 2) return word.slice(prefix.length);
  }
  return word;
}

/** Plural, dual, feminine and pronoun endings; "ه" is the normalized ة. */
const SUFFIXES = ['هما', 'كم', 'هم', 'ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'نا', 'ه', 'ي'];

export function stripSuffixes(token: string): string {
  let word = token;
  for (const suffix of SUFFIXES) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix)) {
      word = word.slice(0, -suffix.length);
    }
  }
  return word;
}

/**
 * Words without meaning for matching: particles, pronouns, fillers ("ابي", "please"). Not the
 * question words that carry intent (متى، كم، كيف، اين، لماذا; when, how, where, why, who).
 */
const STOPWORDS = new Set(
  [
    'في', 'من', 'على', 'علي', 'الى', 'الي', 'عن', 'مع', 'هل', 'انا', 'انت', 'انتي', 'انتم', 'احنا', 'نحن', 'هو', 'هي', 'هم',
    'اللي', 'الذي', 'التي', 'الذين', 'ذلك', 'تلك', 'هذا', 'هذه', 'هذي', 'هاذا', 'ذا', 'يا', 'او', 'ثم', 'لو', 'اذا', 'ان', 'انه',
    'كان', 'يكون', 'عند', 'عندي', 'عندك', 'عندكم', 'عندنا', 'لي', 'لك', 'لكم', 'لنا', 'ما', 'ماذا', 'اريد', 'ممكن', 'سمحت',
    'منه', 'منها', 'منهم', 'منك', 'منكم', 'مني', 'عنه', 'عنها', 'عنهم', 'عنك', 'عنكم', 'فيه', 'فيها', 'فيهم', 'فيكم', 'له', 'لها',
    'لهم', 'به', 'بها', 'بهم', 'بكم', 'عليه', 'عليها', 'عليهم', 'عليكم', 'اياه', 'اياها', 'اياهم', 'اياكم', 'ايا', 'انتو', 'هذولا',
    'هاذي', 'كذا', 'لين', 'اذا', 'عشان', 'علشان', 'حتى', 'بعض', 'فضلك', 'لو_سمحت', 'طيب', 'يعني', 'بس', 'قد', 'لقد', 'كل', 'اي', 'شي', 'شيء', 'و', 'ف', 'ب', 'ل', 'لا', 'تم',
    'the', 'a', 'an', 'is', 'are', 'am', 'was', 'be', 'do', 'does', 'did', 'i', 'me', 'my', 'you', 'your', 'we', 'our', 'us',
    'it', 'its', 'to', 'of', 'in', 'on', 'at', 'for', 'and', 'or', 'please', 'pls', 'can', 'could', 'would', 'will', 'what',
    'whats', 'there', 'this', 'that', 'about', 'tell', 'want', 'need', 'know', 'have', 'has', 'get', 'any', 'some', 'with',
    'if', 'by', 'from', 'should', 'shall', 'may', 'might', 'must', 'so', 'as', 'been', 'being', 'into', 'out', 'up', 'also',
    'just', 'only', 'very', 'too', 'much', 'such', 'not', 'yes', 'ok', 'okay', 'hi', 'hello', 'hey', 'actually', 'really', 's',
    'they', 'them', 'their', 'he', 'she', 'his', 'her', 'him', 'then', 'than', 'these', 'those', 'here', 'all', 'one', 'someone',
    'سلام', 'السلام', 'عليكم', 'رحمه', 'الله', 'بركاته', 'الحمدلله', 'حمدلله', 'هلا', 'مرحبا', 'اهلا', 'والله', 'ولا', 'وما', 'بتكون', 'بيكون', 'راح', 'يكون', 'تكون', 'ادري', 'ادرى', 'للي', 'لل', 'احد', 'واحد', 'ودي', 'ابغي', 'ابي', 'بغيت', 'لازم', 'يمكن', 'وش', 'ايش', 'شنو', 'اعرف', 'ابا',
  ].map((word) => normalizeArabic(word.replace(/_/g, ' ')).replace(/ /g, '_')),
);
