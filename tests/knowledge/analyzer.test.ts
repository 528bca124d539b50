import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Analyzer, stripPrefixes, stripSuffixes } from '../../src/knowledge/analyzer.js';
import { synonymsFileSchema } from '../../src/knowledge/entry.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A small synonym list, so each behaviour below depends only on what it shows. The canonical form of
 * the dialect "what" group is not a stopword here (in the shipped list it is ماذا, which is dropped).
 */
const analyzer = new Analyzer([
  ['شو', 'وش', 'ايش', 'شنو'],
  ['كيف', 'شلون', 'وش لون'],
  ['مده', 'كم ياخذ', 'how long'],
  ['مده الرد', 'كم ياخذ الرد'],
  ['اريد', 'ابي', 'ابغى', 'ودي'],
  ['تطوع', 'volunteer'],
]);

const terms = (text: string) => analyzer.terms(text);

describe('Analyzer: Arabic normalization', () => {
  it('gives the same term however the word is spelled (hamza forms, ة/ه, diacritics, tatweel)', () => {
    const expected = terms('الاستشاره');
    expect(expected).not.toEqual([]);
    for (const variant of ['الإستشارة', 'الاستشاره', 'الاسْتِشَارَة', 'الاستشـــارة', 'الأستشارة', 'الآستشارة']) {
      expect(terms(variant), variant).toEqual(expected);
    }
  });

  it('folds ى into ي', () => {
    expect(terms('مستشفى')).toEqual(terms('مستشفي'));
  });

  it('reads Arabic-Indic and Persian digits as ASCII digits', () => {
    expect(terms('رقم ٢٠٩٢')).toEqual(['رقم', '2092']);
    expect(terms('رقم ۲۰۹۲')).toEqual(['رقم', '2092']);
  });

  it('ignores punctuation, Arabic question marks and repeated spaces', () => {
    expect(terms('  المستندات؟!   ')).toEqual(terms('المستندات'));
  });
});

describe('Analyzer: light stemming', () => {
  it('takes attached conjunctions, prepositions and the article off', () => {
    const expected = terms('مستندات');
    for (const variant of ['والمستندات', 'بالمستندات', 'المستندات', 'وبالمستندات', 'للمستندات']) expect(terms(variant), variant).toEqual(expected);
  });

  it('takes plural, feminine and pronoun endings off', () => {
    expect(terms('طلباتكم')).toEqual(['طلب']);
    expect(terms('طلبات')).toEqual(['طلب']);
    expect(terms('طلبي')).toEqual(['طلب']);
    expect(terms('طلب')).toEqual(['طلب']);
  });

  it('reads a leading و both as the word\'s own letter (وظيفه, ورقه) and as "and" (وزوجي)', () => {
    const analyzer = new Analyzer([]);
    expect(analyzer.termGroups('وظيفه')[0]).toEqual(expect.arrayContaining(['وظيف', 'ظيف']));
    expect(analyzer.termGroups('وزوجي')[0]).toEqual(expect.arrayContaining(['زوج']));
    expect(analyzer.termGroups('ورقه')[0]?.[0]).toBe('ورق');
    expect(terms('وقت')).toEqual(['وقت']);
    expect(stripPrefixes('والطلب')).toBe('طلب');
  });

  it('leaves a stem of at least three letters', () => {
    expect(stripSuffixes('كتب')).toBe('كتب');
    expect(stripSuffixes('بيتكم')).toBe('بيت');
  });

  it('stems English words so forms of one word meet', () => {
    expect(terms('volunteering')).toEqual(terms('volunteers'));
    expect(terms('applications')).toEqual(terms('application'));
  });

  it('maps a stemmed English word onto its synonym group', () => {
    expect(terms('volunteer')).toEqual(['تطوع']);
  });
});

describe('Analyzer: synonyms', () => {
  it('maps the dialect words for "what" to one term', () => {
    expect(terms('وش')).toEqual(['شو']);
    expect(terms('ايش')).toEqual(['شو']);
    expect(terms('شنو')).toEqual(['شو']);
  });

  it('drops the dialect fillers for "I want"', () => {
    for (const filler of ['ابي', 'ابغى', 'ودي']) expect(terms(`${filler} اتطوع`), filler).toEqual(terms('اتطوع'));
    expect(terms('ابي')).toEqual([]);
  });

  it('reads a multi-word phrase as its group’s canonical term, before its first word alone', () => {
    expect(terms('وش لون اسجل')).toEqual(['كيف', ...terms('اسجل')]);
    expect(terms('how long')).toEqual(['مده']);
    expect(terms('كم ياخذ')).toEqual(['مده']);
  });

  it('reads the longest phrase that matches', () => {
    expect(terms('كم ياخذ الرد')).toEqual(['مده_الرد']);
    expect(terms('كم ياخذ الطلب')).toEqual(['مده', 'طلب']);
  });

  it('keeps a phrase’s words apart when they are not next to each other', () => {
    expect(terms('كم طلب ياخذ')).not.toContain('مده');
  });
});

describe('Analyzer: words that carry no meaning', () => {
  it('keeps the question words that carry the intent', () => {
    expect(terms('متى')).toHaveLength(1);
    expect(terms('كم')).toEqual(['كم']);
    expect(terms('كيف')).toEqual(['كيف']);
    expect(terms('when')).toEqual(['when']);
    expect(terms('how')).toEqual(['how']);
  });

  it('drops particles, pronouns and courtesy words in both languages', () => {
    expect(terms('في من على عن')).toEqual([]);
    expect(terms('the please of and')).toEqual([]);
    expect(terms('لو سمحت')).toEqual([]);
    expect(terms('المستندات في الطلب من فضلك')).toEqual([...terms('المستندات'), 'طلب']);
    expect(terms('the documents please')).toEqual(terms('documents'));
  });

  it('gives no terms for a message of emoji and punctuation', () => {
    expect(terms('👍🙏 ؟؟ !!')).toEqual([]);
  });

  it('keeps repeated terms (BM25 counts them)', () => {
    expect(terms('طلب طلبات')).toEqual(['طلب', 'طلب']);
  });
});

describe('Analyzer with the shipped synonyms', () => {
  const file = path.join(root, 'knowledge', 'synonyms.yaml');
  const { groups } = synonymsFileSchema.parse(parse(fs.readFileSync(file, 'utf8')));
  const shipped = new Analyzer(groups);

  it.each([
    ['وش لون اقدم على الجمعيه', ['كيف', 'تقديم', 'جمعيه']],
    ['شلون اتواصل', ['كيف', 'تواصل']],
    ['ابغى اسحب طلبي', ['سحب_الطلب']],
    ['وش الاوراق المطلوبه', ['مستندات', 'مطلوب']],
    ['امتى بتردون علي', ['متي', 'رد']],
    ['وين مقركم', ['اين', 'عنوان']],
    ['الاستشاره ببلاش؟', ['استشار', 'مجاني']],
    ['كم ياخذ الطلب', ['مده', 'طلب']],
    ['بعد ١٤ يوم', ['بعد', 'اسبوعين']],
    ['how long does the decision take', ['مده', 'رد', 'take']],
    ['I want to volunteer', ['تطوع']],
  ])('reads %j with the terms %j', (question, expected) => {
    expect(shipped.terms(question)).toEqual(expect.arrayContaining(expected));
  });

  it('drops the dialect "what" words, whose canonical ماذا is a stopword', () => {
    expect(shipped.terms('وش ايش شنو')).toEqual([]);
  });

  it('drops every form of "I want"', () => {
    expect(shipped.terms('ابي ابغى ودي اريد ابغا')).toEqual([]);
  });
});
