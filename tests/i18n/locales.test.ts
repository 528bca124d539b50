import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { createI18n, LOCALES, loadMessages } from '../../src/i18n/i18n.js';

const localesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'locales');
const messages = { ar: loadMessages(localesDir, 'ar'), en: loadMessages(localesDir, 'en') };

/** The argument names a message uses, e.g. `{count, plural, …}` → count. */
function argumentsOf(text: string, locale: string): string[] {
  const names = new Set<string>();
  type Element = { type: number; value?: unknown; options?: Record<string, { value: Element[] }> };
  const walk = (elements: Element[]) => {
    for (const element of elements) {
      // Type 0 is literal text and 7 is the `#` of a plural; every other element names an argument.
      if (element.type !== 0 && element.type !== 7 && typeof element.value === 'string') names.add(element.value);
      for (const option of Object.values(element.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(text, locale).getAst() as unknown as Element[]);
  return [...names].sort();
}

describe('locales', () => {
  it('has the same keys in Arabic and English', () => {
    const ar = [...messages.ar.keys()].sort();
    const en = [...messages.en.keys()].sort();
    expect(ar.filter((k) => !messages.en.has(k))).toEqual([]);
    expect(en.filter((k) => !messages.ar.has(k))).toEqual([]);
    expect(ar.length).toBeGreaterThan(0);
  });

  it('compiles every message of both languages as ICU', () => {
    expect(() => createI18n(localesDir)).not.toThrow();
    for (const locale of LOCALES) {
      for (const [key, text] of messages[locale]) {
        expect(() => new IntlMessageFormat(text, locale), `${locale}:${key}`).not.toThrow();
      }
    }
  });

  it('uses the same parameters in both languages', () => {
    for (const [key, text] of messages.ar) {
      const en = messages.en.get(key);
      if (en === undefined) continue;
      expect(argumentsOf(text, 'ar'), key).toEqual(argumentsOf(en, 'en'));
    }
  });

  it('has no empty message', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of messages[locale]) expect(text.trim(), `${locale}:${key}`).not.toBe('');
    }
  });

  it('gives Arabic plural forms for one, two, a few and many', () => {
    const i18n = createI18n(localesDir);
    const forms = [1, 2, 3, 11].map((count) => i18n.t('ar', 'inputs.errors.national_id_length', { count }));
    expect(new Set(forms).size).toBe(4);
    expect(forms[0]).toContain('رقم واحد');
    expect(forms[1]).toContain('رقمان');
    expect(forms[2]).toMatch(/(3|٣) أرقام/);
    expect(forms[3]).toMatch(/(11|١١) رقمًا/);
  });

  it('gives English singular and plural forms', () => {
    const i18n = createI18n(localesDir);
    expect(i18n.t('en', 'inputs.errors.national_id_length', { count: 1 })).toContain('has 1 digit.');
    expect(i18n.t('en', 'inputs.errors.national_id_length', { count: 9 })).toContain('has 9 digits.');
  });

  it('falls back to Arabic, then to the key itself', () => {
    const i18n = createI18n(localesDir);
    expect(i18n.has('ar', 'inputs.yes_label')).toBe(true);
    expect(i18n.t('en', 'no.such.key')).toBe('no.such.key');
  });
});
