import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/bot/vocabulary.js';
import type { ParseContext, ParseResult } from '../../src/flows/engine-types.js';
import { INPUT_READERS, isValidNationalId, readAttachments, readNumber, type InputReader } from '../../src/flows/inputs.js';
import type { FlowStep, InputType } from '../../src/flows/schema.js';
import { createI18n } from '../../src/i18n/i18n.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vocabulary = new Vocabulary(createI18n(path.join(root, 'locales')));
const parseCtx: ParseContext = { words: (key) => vocabulary.words(key), data: {} };

function reader(type: InputType): InputReader {
  const found = INPUT_READERS[type];
  if (!found) throw new Error(`no reader for ${type}`);
  return found;
}

const read = (type: InputType, raw: string, step: FlowStep = { input: type }): ParseResult => reader(type)(raw, step, parseCtx);

describe('national ID', () => {
  it.each(['1058529940', '1001244019', '1000000008', '2000000006'])('accepts the valid ID %s', (id) => {
    expect(isValidNationalId(id)).toBe(true);
    expect(read('nationalId', id)).toEqual({ ok: true, value: id });
  });

  it.each(['1012345678', '2345678901'])('refuses %s whose check digit is wrong', (id) => {
    expect(isValidNationalId(id)).toBe(false);
    expect(read('nationalId', id)).toEqual({ ok: false, error: 'inputs.errors.national_id_checksum' });
  });

  it('refuses a number that starts with neither 1 nor 2', () => {
    expect(isValidNationalId('3000000001')).toBe(false);
    expect(read('nationalId', '3000000001')).toEqual({ ok: false, error: 'inputs.errors.national_id_start' });
  });

  it('says how many digits a too short or too long number has', () => {
    expect(read('nationalId', '105852994')).toEqual({ ok: false, error: 'inputs.errors.national_id_length', params: { count: 9 } });
    expect(read('nationalId', '10585299401')).toEqual({ ok: false, error: 'inputs.errors.national_id_length', params: { count: 11 } });
  });

  it('says no digits were found in an answer without a number', () => {
    expect(read('nationalId', 'ما اعرفه')).toEqual({ ok: false, error: 'inputs.errors.national_id_length', params: { count: 0 } });
  });

  it('reads a number typed with spaces or dashes', () => {
    expect(read('nationalId', '1058 529 940')).toEqual({ ok: true, value: '1058529940' });
    expect(read('nationalId', '1058-529-940')).toEqual({ ok: true, value: '1058529940' });
  });

  it('reads Arabic-Indic and Persian digits', () => {
    expect(read('nationalId', '١٠٥٨٥٢٩٩٤٠')).toEqual({ ok: true, value: '1058529940' });
    expect(read('nationalId', '۲۰۰۰۰۰۰۰۰۶')).toEqual({ ok: true, value: '2000000006' });
  });

  it('reads the number out of a sentence around it', () => {
    expect(read('nationalId', 'رقم هويتي 1001244019 لو سمحت')).toEqual({ ok: true, value: '1001244019' });
    expect(read('nationalId', 'my iqama is 2000000006.')).toEqual({ ok: true, value: '2000000006' });
  });

  it('ignores invisible direction marks a phone adds around the number', () => {
    expect(read('nationalId', '\u202B\u200F1058529940\u200F\u202C')).toEqual({ ok: true, value: '1058529940' });
  });

  it('keeps the ID as text so leading digits are not lost', () => {
    expect(read('nationalId', '1000000008')).toEqual({ ok: true, value: '1000000008' });
  });
});

describe('numbers', () => {
  it.each([
    ['5 آلاف', 5000],
    ['٥٠٠٠', 5000],
    ['5,000', 5000],
    ['5000 ريال', 5000],
    ['٥ الاف ريال', 5000],
    ['5 ألف', 5000],
    ['5k', 5000],
    ['١٢٬٥٠٠', 12500],
    ['1,250,000', 1_250_000],
    ['2 مليون', 2_000_000],
    ['5.5', 5.5],
    ['٣٫٥', 3.5],
  ])('reads "%s" as %d', (text, value) => {
    expect(readNumber(text)).toBe(value);
  });

  it('finds no number in words alone', () => {
    expect(readNumber('ما ادري')).toBeNull();
  });

  it('refuses an answer with two different numbers', () => {
    expect(readNumber('بين 3 و 5')).toBeNull();
  });

  it('refuses numbers outside the step range with the limit as parameter', () => {
    const step: FlowStep = { input: 'number', min: 1, max: 20 };
    expect(read('number', '0', step)).toEqual({ ok: false, error: 'inputs.errors.number_min', params: { min: 1 } });
    expect(read('number', '٢١', step)).toEqual({ ok: false, error: 'inputs.errors.number_max', params: { max: 20 } });
    expect(read('number', '٢٠', step)).toEqual({ ok: true, value: 20 });
  });

  it('says a number was expected when none is there', () => {
    expect(read('number', 'كثير')).toEqual({ ok: false, error: 'inputs.errors.number' });
  });
});

describe('yes / no', () => {
  it.each(['نعم', 'ايه', 'إيه', 'ايوه', 'أيوا', 'اي', 'أكيد', 'تمام', 'زين', 'طيب', 'اوكي', 'yes', 'Yeah', 'OK', 'نعم.', '👍', '👍🏽', '✅'])(
    'reads "%s" as yes',
    (text) => {
      expect(read('yesNo', text)).toEqual({ ok: true, value: true });
    },
  );

  it.each(['لا', 'لاء', 'لا ما ابي', 'ما أبي', 'مابي', 'لا شكراً', 'no', 'Nope', 'not now', '👎', '👎🏻', '❌'])('reads "%s" as no', (text) => {
    expect(read('yesNo', text)).toEqual({ ok: true, value: false });
  });

  it.each(['يمكن', 'بفكر', '👍👎', ''])('asks again for "%s"', (text) => {
    expect(read('yesNo', text)).toEqual({ ok: false, error: 'inputs.errors.yes_no' });
  });
});

describe('text, choices and attachments', () => {
  it('trims and collapses spaces in a text answer', () => {
    expect(read('text', '  فاطمة   محمد \n')).toEqual({ ok: true, value: 'فاطمة محمد' });
  });

  it('refuses an empty or overly long text answer', () => {
    expect(read('text', ' \u200F ')).toEqual({ ok: false, error: 'inputs.errors.empty' });
    expect(read('text', 'ا'.repeat(501))).toEqual({ ok: false, error: 'inputs.errors.too_long', params: { max: 500 } });
  });

  it('picks a choice by its value or label and refuses a number outside the list', () => {
    const step: FlowStep = { input: 'choice', choices: [{ value: 'about', label: 'menu.items.about' }, { value: 'contact', label: 'menu.items.contact' }] };
    expect(read('choice', 'contact', step)).toEqual({ ok: true, value: 'contact' });
    expect(read('choice', 'طرق التواصل', step)).toEqual({ ok: true, value: 'contact' });
    expect(read('choice', '3', step)).toEqual({ ok: false, error: 'inputs.errors.choice', params: { count: 2 } });
  });

  it('refuses a typed answer to a file question', () => {
    expect(read('attachment', 'ارسلته')).toEqual({ ok: false, error: 'inputs.errors.attachment' });
  });

  it('keeps the name, type and id of sent files', () => {
    expect(readAttachments([{ name: 'report.pdf', contentType: 'application/pdf', id: 'f1' }, { name: 'scan.jpg', contentType: 'image/jpeg' }])).toEqual({
      ok: true,
      value: [
        { name: 'report.pdf', contentType: 'application/pdf', id: 'f1' },
        { name: 'scan.jpg', contentType: 'image/jpeg', id: null },
      ],
    });
    expect(readAttachments([])).toEqual({ ok: false, error: 'inputs.errors.attachment' });
  });
});
