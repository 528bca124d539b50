import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse as parseYaml } from 'yaml';

/** The languages the bot speaks; Arabic first. */
export const LOCALES = ['ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ar';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export type MessageParams = Record<string, string | number>;

/**
 * All user-facing text, read from `locales/<lang>/*.yaml` and formatted as ICU messages
 * (plurals use the language's own categories, so Arabic's zero/one/two/few/many/other just work).
 */
export type I18n = {
  t(locale: Locale, key: string, params?: MessageParams): string;
  has(locale: Locale, key: string): boolean;
  keys(locale: Locale): string[];
};

/** Flattens nested YAML maps into dotted keys: `{menu: {prompt: "…"}}` → `menu.prompt`. */
function flatten(value: unknown, prefix: string, into: Map<string, string>, file: string): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into, file);
    return;
  }
  throw new Error(`${file}: "${prefix}" must be a text or a group of texts`);
}

export function loadMessages(localesDir: string, locale: Locale): Map<string, string> {
  const dir = path.join(localesDir, locale);
  const messages = new Map<string, string>();
  for (const name of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const file = path.join(dir, name);
    flatten(parseYaml(fs.readFileSync(file, 'utf8')) ?? {}, '', messages, file);
  }
  return messages;
}

export function createI18n(localesDir: string): I18n {
  const sources = new Map(LOCALES.map((l) => [l, loadMessages(localesDir, l)] as const));
  const compiled = new Map<string, IntlMessageFormat>();
  for (const locale of LOCALES) {
    for (const [key, text] of sources.get(locale) ?? []) {
      try {
        compiled.set(`${locale}:${key}`, new IntlMessageFormat(text, locale));
      } catch (error) {
        throw new Error(`locales/${locale}: message "${key}" is not a valid ICU message: ${(error as Error).message}`);
      }
    }
  }
  return {
    t(locale, key, params) {
      const message = compiled.get(`${locale}:${key}`) ?? compiled.get(`${DEFAULT_LOCALE}:${key}`);
      if (!message) return key;
      return String(message.format(params));
    },
    has(locale, key) {
      return compiled.has(`${locale}:${key}`);
    },
    keys(locale) {
      return [...(sources.get(locale)?.keys() ?? [])];
    },
  };
}
