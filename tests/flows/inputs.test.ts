import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/bot/vocabulary.js';
import type { ParseContext, ParseResult } from '../../src/flows/engine-types.js';
import { INPUT_READERS, isValidNationalId, readAttachments, readNumber, type InputReader } from '../../src/flows/inputs.js';
import type { FlowStep, InputType } from '../../src/flows/schema.js';
import { LOCALES, createI18n } from '../../src/i18n/i18n.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const i18n = createI18n(path.join(root, 'locales'));
const vocabulary = new Vocabulary(i18n);
const parseCtx: ParseContext = { words: (key) => vocabulary.words(key), data: {}, now: () => Date.parse('2026-11-26T10:00:00+03:00') };

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

/** The Luhn check digit of a prefix, computed the textbook way: from the right, doubling every other digit. */
function luhnCheckDigit(prefix: string): number {
  let sum = 0;
  [...prefix].reverse().forEach((char, i) => {
    const doubled = Number(char) * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(doubled / 10) + (doubled % 10);
  });
  return (10 - (sum % 10)) % 10;
}

/** A small seeded generator (mulberry32), so a failing prefix can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('national ID question of the application form', () => {
  it.each([
    ['1527914301', '1527914301'],
    ['١٩٣٤٦٩٢٤٤١', '1934692441'],
    ['2069 688 022', '2069688022'],
    ['رقم هويتي 1264781434', '1264781434'],
    ['۲۶۱۹۵۹۰۲۰۷', '2619590207'],
    ['1058529940', '1058529940'],
    ['1000000008', '1000000008'],
    ['2000000006', '2000000006'],
  ])('accepts "%s" as %s', (text, id) => {
    expect(read('nationalId', text)).toEqual({ ok: true, value: id });
  });

  it.each(['1527914302', '1934692442', '2069688023', '1012345678', '2345678901'])('re-asks the national ID %s when the check digit is wrong', (text) => {
    expect(read('nationalId', text)).toEqual({ ok: false, error: 'inputs.errors.national_id_checksum' });
  });

  it('re-asks a ten-digit number that starts with 3', () => {
    expect(read('nationalId', '3527914301')).toEqual({ ok: false, error: 'inputs.errors.national_id_start' });
  });

  it.each([
    ['152791430', 9],
    ['15279143011', 11],
    ['abc', 0],
    ['', 0],
  ])('tells how many digits "%s" has when it is not ten', (text, count) => {
    expect(read('nationalId', text)).toEqual({ ok: false, error: 'inputs.errors.national_id_length', params: { count } });
  });

  it('accepts exactly one check digit for any nine-digit prefix starting with 1 or 2', () => {
    const random = seededRandom(2092);
    for (let n = 0; n < 200; n += 1) {
      const prefix = `${random() < 0.5 ? 1 : 2}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
      const check = luhnCheckDigit(prefix);
      const valid = [...Array(10).keys()].filter((digit) => isValidNationalId(`${prefix}${digit}`));
      expect(valid, `prefix ${prefix}`).toEqual([check]);
      expect(read('nationalId', `${prefix}${check}`)).toEqual({ ok: true, value: `${prefix}${check}` });
    }
  });
});

describe('mobile question', () => {
  it.each([
    ['0551234567', '+966551234567'],
    ['+966 55 123 4567', '+966551234567'],
    ['٠٥٦١٢٣٤٥٦٧', '+966561234567'],
    ['جوالي 055-123-4567', '+966551234567'],
  ])('stores "%s" as %s', (text, e164) => {
    expect(read('phone', text)).toEqual({ ok: true, value: e164 });
  });

  it.each([
    ['abc', 'inputs.errors.phone_missing', 0],
    ['+971501234567', 'inputs.errors.phone_foreign', 12],
    ['0138123456', 'inputs.errors.phone_landline', 10],
    ['0451234567', 'inputs.errors.phone_prefix', 10],
    ['055123456', 'inputs.errors.phone_length', 9],
    ['0521234567', 'inputs.errors.phone_invalid', 10],
  ])('re-asks "%s" with %s', (text, error, count) => {
    expect(read('phone', text)).toEqual({ ok: false, error, params: { count } });
  });

  it('has a message in both languages for every reason a number is refused', () => {
    for (const problem of ['missing', 'foreign', 'landline', 'prefix', 'length', 'invalid']) {
      for (const locale of LOCALES) expect(i18n.has(locale, `inputs.errors.phone_${problem}`), `${locale}: phone_${problem}`).toBe(true);
    }
  });
});

describe('city question', () => {
  it.each([
    ['الدمام', 'dammam'],
    ['Dammam', 'dammam'],
    ['al khobar', 'khobar'],
    ['الأحساء', 'ahsa'],
    ['الاحساء', 'ahsa'],
    ['الهفوف', 'ahsa'],
    ['حفر الباطن', 'hafr_al_batin'],
    ['الظهران', 'dhahran'],
    ['انا ساكن في القطيف', 'qatif'],
  ])('reads "%s" as %s', (text, id) => {
    expect(read('city', text)).toEqual({ ok: true, value: id });
  });

  it.each(['الرياض', 'جدة'])('explains that %s is outside the Eastern Province and offers to stop', (text) => {
    expect(read('city', text)).toEqual({ ok: false, error: 'inputs.errors.city_outside', offers: expect.arrayContaining(['offers.stop']) });
    for (const locale of LOCALES) expect(i18n.has(locale, 'offers.stop')).toBe(true);
  });

  it.each(['Paris', 'xyz'])('asks again for a city it does not know, "%s"', (text) => {
    expect(read('city', text)).toEqual({ ok: false, error: 'inputs.errors.city_unknown' });
  });
});

describe('number question with the locale word lists', () => {
  it.each([
    ['5 آلاف', 5000],
    ['٥٠٠٠', 5000],
    ['5,000', 5000],
    ['5000 ريال', 5000],
    ['خمسة آلاف', 5000],
    ['الفين', 2000],
    ['ثلاث سنوات', 3],
    ['سنتين', 2],
    ['ما عندنا', 0],
    ['صفر', 0],
    ['٧', 7],
    ['عشرين ألف', 20000],
    ['خمس مية ريال', 500],
    ['خمسة عشر', 15],
    ['ثلاثة وثلاثين', 33],
    ['سنة وحدة', 1],
    ['ما عندنا اطفال', 0],
    ['two thousand', 2000],
    ['five thousand', 5000],
    ['one thousand', 1000],
  ])('reads "%s" as %d', (text, value) => {
    expect(read('number', text)).toEqual({ ok: true, value });
  });

  it('refuses an age under the minimum, in digits or in words, with the minimum', () => {
    const wifeAge: FlowStep = { input: 'number', min: 18, max: 60 };
    expect(read('number', '17', wifeAge)).toEqual({ ok: false, error: 'inputs.errors.number_min', params: { min: 18 } });
    expect(read('number', 'ثلاث', wifeAge)).toEqual({ ok: false, error: 'inputs.errors.number_min', params: { min: 18 } });
    expect(read('number', '١٨', wifeAge)).toEqual({ ok: true, value: 18 });
  });

  it('refuses an income over the maximum with the maximum', () => {
    const income: FlowStep = { input: 'number', min: 0, max: 200000 };
    expect(read('number', '250 الف', income)).toEqual({ ok: false, error: 'inputs.errors.number_max', params: { max: 200000 } });
    expect(read('number', 'ما عندنا', income)).toEqual({ ok: true, value: 0 });
  });

  it('says a number was expected for "كثير"', () => {
    expect(read('number', 'كثير')).toEqual({ ok: false, error: 'inputs.errors.number' });
  });

  it.each(['لا ادري', 'لا اعرف', 'no idea', 'ما عندي فكرة'])('asks again for "%s" instead of reading it as 0', (text) => {
    expect(read('number', text)).toEqual({ ok: false, error: 'inputs.errors.number' });
  });

  it('refuses an answer that gives two numbers', () => {
    expect(read('number', '3 او 4')).toEqual({ ok: false, error: 'inputs.errors.number' });
  });
});

describe('yes / no question with the locale word lists', () => {
  it.each(['نعم', 'ايه', 'إيه', 'اي', 'أجل', 'تمام', 'موافق', 'yes', 'y', 'ok', '👍'])('reads "%s" as yes', (text) => {
    expect(read('yesNo', text)).toEqual({ ok: true, value: true });
  });

  it.each(['لا', 'لأ', 'ما ابي', 'no', 'n', '👎'])('reads "%s" as no', (text) => {
    expect(read('yesNo', text)).toEqual({ ok: true, value: false });
  });
});

describe('choice question of the application form', () => {
  const supportType: FlowStep = {
    input: 'choice',
    choices: [
      { value: 'financial', label: 'support.support_type.financial', match: 'support.support_type.financial_words' },
      { value: 'consultation', label: 'support.support_type.consultation', match: 'support.support_type.consultation_words' },
      { value: 'counselling', label: 'support.support_type.counselling', match: 'support.support_type.counselling_words' },
      { value: 'other', label: 'support.support_type.other', match: 'support.support_type.other_words' },
    ],
  };

  it.each(['2', '٢'])('picks the second option for "%s"', (text) => {
    expect(read('choice', text, supportType)).toEqual({ ok: true, value: 'consultation' });
  });

  it('picks an option by its Arabic or English label', () => {
    expect(read('choice', 'استشارة طبية', supportType)).toEqual({ ok: true, value: 'consultation' });
    expect(read('choice', 'Psychological counselling', supportType)).toEqual({ ok: true, value: 'counselling' });
  });

  it('picks an option by one of its extra words', () => {
    expect(read('choice', 'دكتور', supportType)).toEqual({ ok: true, value: 'consultation' });
  });

  it('refuses a number outside the list and says how many options there are', () => {
    expect(read('choice', '9', supportType)).toEqual({ ok: false, error: 'inputs.errors.choice', params: { count: 4 } });
  });
});

describe('satisfaction rating', () => {
  it.each([
    ['5', 5],
    ['٤', 4],
    ['4/5', 4],
    ['٣ من ٥', 3],
    ['⭐⭐⭐⭐', 4],
    ['⭐️⭐️', 2],
    ['⭐⭐⭐⭐⭐ ممتاز', 5],
    ['ممتاز', 5],
    ['ممتازة', 5],
    ['جيد جداً', 4],
    ['زين', 4],
    ['عادي', 3],
    ['سيئ', 1],
    ['اربعة', 4],
    ['خمس نجوم', 5],
    ['excellent', 5],
    ['3 stars', 3],
    ['😍', 5],
    ['😡', 1],
  ])('reads %s as %i', (raw, score) => {
    expect(read('rating', raw)).toEqual({ ok: true, value: score });
  });

  it.each(['0', '6', '10', '⭐⭐⭐⭐⭐⭐'])('refuses %s as outside 1–5, saying the range', (raw) => {
    expect(read('rating', raw)).toEqual({ ok: false, error: 'inputs.errors.rating_range' });
  });

  it.each(['الخدمة', 'ما ادري', '', '<b>5</b>'])('refuses %j as no rating at all', (raw) => {
    expect(read('rating', raw)).toMatchObject({ ok: false, error: 'inputs.errors.rating' });
  });
});

describe('date (the clock reads Thursday 26 November 2026, Riyadh)', () => {
  it.each([
    ['2026-12-01', '2026-12-01'],
    ['1/12', '2026-12-01'],
    ['١/١٢/٢٠٢٦', '2026-12-01'],
    ['30-11', '2026-11-30'],
    ['30 نوفمبر', '2026-11-30'],
    ['٣٠ نوفمبر ٢٠٢٦', '2026-11-30'],
    ['November 30', '2026-11-30'],
    ['بكرة', '2026-11-27'],
    ['بعد بكرة', '2026-11-28'],
    ['tomorrow', '2026-11-27'],
    ['الأحد', '2026-11-29'],
    ['يوم الاثنين الجاي', '2026-11-30'],
    ['next Thursday', '2026-12-03'],
    ['5/1', '2027-01-05'],
  ])('reads %s as %s', (raw, day) => {
    expect(read('date', raw)).toEqual({ ok: true, value: day });
  });

  it('picks a day offered as a button by its number or its words', () => {
    const step: FlowStep = { input: 'date' };
    const choices = [
      { value: '2026-11-29', label: '', text: 'الأحد 29 نوفمبر · 19 جمادى الآخرة' },
      { value: '2026-11-30', label: '', text: 'الاثنين 30 نوفمبر · 20 جمادى الآخرة' },
    ];
    const withChoices = { ...step, choices } as FlowStep;
    expect(reader('date')('2', withChoices, parseCtx)).toEqual({ ok: true, value: '2026-11-30' });
    expect(reader('date')('الأحد 29 نوفمبر · 19 جمادى الآخرة', withChoices, parseCtx)).toEqual({ ok: true, value: '2026-11-29' });
  });

  it.each(['31/2', '2026-13-01'])('refuses %s as no such date', (raw) => {
    expect(read('date', raw)).toEqual({ ok: false, error: 'inputs.errors.date_invalid' });
  });

  it.each(['قريب', 'whenever', '<script>'])('refuses %j as not a date', (raw) => {
    expect(read('date', raw)).toMatchObject({ ok: false, error: 'inputs.errors.date' });
  });
});
