import { LOCALES, type I18n } from '../i18n/i18n.js';
import type { FlowSet } from '../flows/schema.js';
import { normalizeArabic } from '../text/normalize.js';

/** The commands that work everywhere, in both languages. */
export const COMMANDS = ['menu', 'back', 'cancel', 'language', 'to_english', 'to_arabic', 'human', 'help', 'stop_surveys', 'stop_reminders', 'my_data', 'delete_my_data', 'withdraw_consent'] as const;
export type Command = (typeof COMMANDS)[number];

const POLITE_TAILS = ['ورحمه الله', 'ورحمه الله وبركاته', 'كيف الحال', 'كيف حالك', 'شلونكم', 'شلونك', 'how are you', 'there'];

/**
 * The words beneficiaries use to steer the bot, read from the locales (`commands.*`, choice labels,
 * `|`-separated word lists) and kept in their normalized matching form. Both languages are always
 * understood, whatever the conversation's language.
 */
export class Vocabulary {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly i18n: I18n) {}

  /** Normalized words of a locale key in every language. */
  words(key: string): string[] {
    let words = this.cache.get(key);
    if (!words) {
      const raw = LOCALES.flatMap((locale) => (this.i18n.has(locale, key) ? this.i18n.t(locale, key).split('|') : []));
      words = [...new Set(raw.map(normalizeArabic).filter((w) => w !== ''))];
      this.cache.set(key, words);
    }
    return words;
  }

  /**
   * The global command a message is, if the whole message is one ("القائمة", "ابي اكلم موظف",
   * "talk to a person please"); a command word inside a longer sentence is not a command.
   */
  command(text: string): Command | null {
    const normalized = normalizeArabic(text);
    if (normalized === '' || normalized.split(' ').length > 8) return null;
    for (const candidate of this.withoutFillers(normalized)) {
      const found = COMMANDS.find((c) => this.words(`commands.${c}`).includes(candidate));
      if (found) return found;
    }
    return null;
  }

  /** Splits a leading greeting off: "السلام عليكم، كم مدة الرد؟" → salam + "كم مده الرد". */
  greeting(text: string): { kind: 'salam' | 'hello' | null; rest: string } {
    const normalized = normalizeArabic(text);
    const phrase = this.longestPrefix(normalized, this.words('commands.greetings'));
    if (!phrase) return { kind: null, rest: normalized };
    let rest = normalized.slice(phrase.length).trim();
    // Longest tail first: "ورحمه الله وبركاته" must not lose only "ورحمه الله" and leave "وبركاته" as a question.
    for (const tail of POLITE_TAILS.map(normalizeArabic).sort((a, b) => b.length - a.length)) {
      if (rest === tail || rest.startsWith(`${tail} `)) rest = rest.slice(tail.length).trim();
    }
    return { kind: phrase.includes('سلام') || phrase.includes('salam') ? 'salam' : 'hello', rest };
  }

  /** The flow whose `triggers` phrase the message contains (the longest phrase wins). */
  trigger(text: string, flows: FlowSet): string | null {
    const padded = ` ${normalizeArabic(text)} `;
    let best: { flow: string; length: number } | null = null;
    for (const flow of flows.values()) {
      if (!flow.triggers) continue;
      for (const phrase of this.words(flow.triggers)) {
        if (padded.includes(` ${phrase} `) && (!best || phrase.length > best.length)) best = { flow: flow.id, length: phrase.length };
      }
    }
    return best?.flow ?? null;
  }

  /**
   * True when a message reads as a question (a question mark, a question word, or four words or
   * more) rather than a short answer: "Riyadh" at the city question is an answer to refuse, "كم مدة
   * الرد؟" is a question to answer before asking again.
   */
  isQuestion(text: string): boolean {
    if (/[?؟]/.test(text)) return true;
    const words = normalizeArabic(text).split(' ').filter((w) => w !== '');
    if (words.length >= 4) return true;
    const questionWords = this.words('knowledge.question_words');
    return words.some((w) => questionWords.includes(w));
  }

  /**
   * The flow a message asks for when the whole message is one of its trigger phrases (polite fillers
   * aside): "حالة طلبي" typed as someone's name is a request, not a name.
   */
  wholeTrigger(text: string, flows: FlowSet): string | null {
    const candidates = this.withoutFillers(normalizeArabic(text));
    for (const flow of flows.values()) {
      if (flow.triggers && this.words(flow.triggers).some((phrase) => candidates.includes(phrase))) return flow.id;
    }
    return null;
  }

  private withoutFillers(normalized: string): string[] {
    const fillers = this.words('commands.fillers').sort((a, b) => b.length - a.length);
    const candidates = [normalized];
    let current = normalized;
    for (let guard = 0; guard < 4; guard += 1) {
      const filler = this.longestPrefix(current, fillers) ?? this.longestSuffix(current, fillers);
      if (!filler) break;
      current = (current.startsWith(`${filler} `) ? current.slice(filler.length) : current.slice(0, -filler.length)).trim();
      if (current === '') break;
      candidates.push(current);
    }
    return candidates;
  }

  private longestPrefix(text: string, phrases: string[]): string | null {
    let best: string | null = null;
    for (const p of phrases) {
      if ((text === p || text.startsWith(`${p} `)) && (!best || p.length > best.length)) best = p;
    }
    return best;
  }

  private longestSuffix(text: string, phrases: string[]): string | null {
    let best: string | null = null;
    for (const p of phrases) {
      if (text.endsWith(` ${p}`) && (!best || p.length > best.length)) best = p;
    }
    return best;
  }
}
