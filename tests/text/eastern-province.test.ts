import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  EASTERN_PROVINCE_IDS,
  EASTERN_PROVINCE_PLACES,
  OTHER_SAUDI_CITIES,
  matchCity,
  type PlaceNames,
} from '../../src/text/eastern-province.js';
import { hasArabic, hasLatin } from '../../src/text/normalize.js';

const province = (id: string) => ({ kind: 'province', id });
const outside = (id: string) => ({ kind: 'outside', id });
const unknown = { kind: 'unknown' };

const allNames = (place: PlaceNames) => [...place.ar, ...place.en, ...(place.wholeAnswerOnly ?? [])];

describe('matchCity', () => {
  describe('the answers seen in the dataset', () => {
    it.each([
      ['الدمام', 'dammam'],
      ['دمام', 'dammam'],
      ['Dammam', 'dammam'],
      ['الخبر', 'khobar'],
      ['al khobar', 'khobar'],
      ['الاحساء', 'ahsa'],
      ['الأحساء', 'ahsa'],
      ['الهفوف', 'ahsa'],
      ['القطيف', 'qatif'],
      ['الجبيل', 'jubail'],
      ['حفر الباطن', 'hafr_al_batin'],
      ['الظهران', 'dhahran'],
    ])('reads "%s" as %s', (text, id) => {
      expect(matchCity(text)).toEqual(province(id));
    });

    it.each([
      ['الرياض', outside('riyadh')],
      ['جدة', outside('jeddah')],
      ['Paris', unknown],
      ['xyz', unknown],
    ])('does not accept "%s" as a province city', (text, expected) => {
      expect(matchCity(text)).toEqual(expected);
    });
  });

  describe('every place in the table', () => {
    it('reaches each province id from every one of its Arabic and English names', () => {
      for (const place of EASTERN_PROVINCE_PLACES) {
        for (const name of allNames(place)) expect(matchCity(name), name).toEqual(province(place.id));
      }
    });

    it('reads every name of a city elsewhere in the Kingdom as outside', () => {
      for (const place of OTHER_SAUDI_CITIES) {
        for (const name of allNames(place)) expect(matchCity(name), name).toEqual(outside(place.id));
      }
    });

    it('gives every place at least one Arabic and one English name, each in its own script', () => {
      for (const place of [...EASTERN_PROVINCE_PLACES, ...OTHER_SAUDI_CITIES]) {
        const names = allNames(place);
        expect(names.some(hasArabic), place.id).toBe(true);
        expect(names.some((name) => hasLatin(name) && !hasArabic(name)), place.id).toBe(true);
        expect(place.ar.filter((name) => !hasArabic(name)), place.id).toEqual([]);
        expect(place.en.filter((name) => hasArabic(name)), place.id).toEqual([]);
      }
    });

    it('covers the 13 governorates and Dhahran, each once', () => {
      expect([...EASTERN_PROVINCE_IDS].sort()).toEqual(
        [
          'dammam', 'ahsa', 'hafr_al_batin', 'jubail', 'qatif', 'khobar', 'khafji', 'udayd',
          'ras_tanura', 'abqaiq', 'nairiyah', 'qaryat_al_ulya', 'bayda', 'dhahran',
        ].sort(),
      );
      expect(EASTERN_PROVINCE_PLACES.map((p) => p.id).sort()).toEqual([...EASTERN_PROVINCE_IDS].sort());
      const outsideIds = OTHER_SAUDI_CITIES.map((p) => p.id);
      expect(new Set(outsideIds).size).toBe(outsideIds.length);
      expect(outsideIds.filter((id) => (EASTERN_PROVINCE_IDS as readonly string[]).includes(id))).toEqual([]);
    });
  });

  describe('names written differently', () => {
    it.each([
      ['Al-Khobar', 'khobar'],
      ['AL KHOBAR', 'khobar'],
      ['alKhobar', 'khobar'],
      ['DaMmAm', 'dammam'],
      ['Ad-Dammam', 'dammam'],
      ['Al Ahsa', 'ahsa'],
      ['al-hasa', 'ahsa'],
      ['الحسا', 'ahsa'],
      ['الحساء', 'ahsa'],
      ['هجر', 'ahsa'],
      ['المبرز', 'ahsa'],
      ['Hofuf', 'ahsa'],
      ['ابقيق', 'abqaiq'],
      ['بقيق', 'abqaiq'],
      ['Buqayq', 'abqaiq'],
      ['رحيمة', 'ras_tanura'],
      ['راس تنوره', 'ras_tanura'],
      ['سيهات', 'qatif'],
      ['صفوى', 'qatif'],
      ['تاروت', 'qatif'],
      ['ام الحمام', 'qatif'],
      ['الثقبة', 'khobar'],
      ['Thuqbah', 'khobar'],
      ['الجبيل الصناعيه', 'jubail'],
      ['Jubail Industrial City', 'jubail'],
      ['النعيريه', 'nairiyah'],
      ['قريه العليا', 'qaryat_al_ulya'],
    ])('reads "%s" as %s', (text, id) => {
      expect(matchCity(text)).toEqual(province(id));
    });

    it('ignores tashkeel, tatweel and invisible direction marks', () => {
      expect(matchCity('الدَّمَّام')).toEqual(province('dammam'));
      expect(matchCity('الدمـــــام')).toEqual(province('dammam'));
      expect(matchCity('\u200Fالقُطَيْف\u200E')).toEqual(province('qatif'));
    });

    it('treats ة and ه, and the hamza forms, as the same letter', () => {
      expect(matchCity('النعيرية')).toEqual(matchCity('النعيريه'));
      expect(matchCity('رأس تنورة')).toEqual(matchCity('راس تنوره'));
      expect(matchCity('أبقيق')).toEqual(province('abqaiq'));
      expect(matchCity('إبقيق')).toEqual(province('abqaiq'));
      expect(matchCity('مكه')).toEqual(outside('makkah'));
      expect(matchCity('جده')).toEqual(outside('jeddah'));
    });

    it('reads a name glued to a preposition or "and"', () => {
      expect(matchCity('ساكن بالدمام')).toEqual(province('dammam'));
      expect(matchCity('من الرياض ولكن حاليا بالخبر')).toEqual(province('khobar'));
      expect(matchCity('والأحساء')).toEqual(province('ahsa'));
    });
  });

  describe('names inside a short sentence', () => {
    it.each([
      ['انا من الدمام', 'dammam'],
      ['ساكن في الخبر', 'khobar'],
      ['مدينة الجبيل', 'jubail'],
      ['الخبر - حي العقربية', 'khobar'],
      ['I live in Dhahran', 'dhahran'],
      ["I'm from Al-Ahsa", 'ahsa'],
      ['الدمام، حي ٣ الشاطئ ٣١٤٥٢', 'dammam'],
      ['ساكنين في حفر الباطن الله يحفظك', 'hafr_al_batin'],
    ])('finds the city in "%s"', (text, id) => {
      expect(matchCity(text)).toEqual(province(id));
    });

    it('reads a word that is also an ordinary word only when it is the whole answer', () => {
      expect(matchCity('البيضاء')).toEqual(province('bayda'));
      expect(matchCity('انا من البيضاء')).toEqual(province('bayda'));
      expect(matchCity('سيارتي البيضاء')).toEqual(unknown);
      expect(matchCity('العديد')).toEqual(province('udayd'));
      expect(matchCity('في العديد من الأحيان')).toEqual(unknown);
      expect(matchCity('عنك')).toEqual(province('qatif'));
      expect(matchCity('ابي اسأل عنك')).toEqual(unknown);
      expect(matchCity('الطرف')).toEqual(province('ahsa'));
      expect(matchCity('على الطرف الثاني')).toEqual(unknown);
      expect(matchCity('الجش')).toEqual(province('qatif'));
      expect(matchCity('القارة')).toEqual(province('ahsa'));
      expect(matchCity('قارة آسيا')).toEqual(unknown);
    });

    it('does not take "the city" in "مدينة الجبيل" for Madinah, but takes المدينة alone for it', () => {
      expect(matchCity('مدينة الجبيل')).toEqual(province('jubail'));
      expect(matchCity('المدينة')).toEqual(outside('madinah'));
      expect(matchCity('في المدينة اللي جنبنا')).toEqual(unknown);
    });

    it('leaves العليا alone unknown, since Riyadh and Khobar both have a district of that name', () => {
      expect(matchCity('العليا')).toEqual(unknown);
      expect(matchCity('حي العليا بالخبر')).toEqual(province('khobar'));
      expect(matchCity('قرية العليا')).toEqual(province('qaryat_al_ulya'));
    });
  });

  describe('multi-word names', () => {
    it.each([
      ['حفر الباطن', province('hafr_al_batin')],
      ['رأس تنورة', province('ras_tanura')],
      ['قرية العليا', province('qaryat_al_ulya')],
      ['المدينة المنورة', outside('madinah')],
      ['ظهران الجنوب', outside('dhahran_al_janub')],
      ['خميس مشيط', outside('khamis_mushait')],
      ['Hafr Al-Batin', province('hafr_al_batin')],
      ['Ras Tanura', province('ras_tanura')],
    ])('reads "%s" as one place, not the shorter names inside it', (text, expected) => {
      expect(matchCity(text)).toEqual(expected);
    });
  });

  describe('typos', () => {
    it.each([
      ['الدمامم', 'dammam'],
      ['الدماام', 'dammam'],
      ['Dammamm', 'dammam'],
      ['Damman', 'dammam'],
      ['Khubar', 'khobar'],
      ['Khobr', 'khobar'],
      ['Qatiff', 'qatif'],
      ['hafr al batn', 'hafr_al_batin'],
      ['انا من الدمامم', 'dammam'],
    ])('forgives one wrong letter in "%s"', (text, id) => {
      expect(matchCity(text)).toEqual(province(id));
    });

    it('forgives a typo in a city elsewhere too', () => {
      expect(matchCity('Riyahd')).toEqual(outside('riyadh'));
    });

    it('does not guess when ordinary words are one letter from a short name', () => {
      expect(matchCity('جميل')).toEqual(unknown);
      expect(matchCity('لطيف')).toEqual(unknown);
      expect(matchCity('الجميل')).toEqual(unknown);
      expect(matchCity('رحيم')).toEqual(unknown);
      expect(matchCity('Dubai')).toEqual(unknown);
    });

    it('forgives typos only when the name is the whole answer', () => {
      expect(matchCity('مكان جميل')).toEqual(unknown);
      expect(matchCity('الله لطيف')).toEqual(unknown);
    });
  });

  describe('answers that are not a known city', () => {
    it.each(['', '   ', 'Paris', 'xyz', '12345', '٣١٤٥٢', '؟؟', 'المنطقة الشرقية', 'Eastern Province'])(
      'refuses "%s"',
      (text) => {
        expect(matchCity(text)).toEqual(unknown);
      },
    );

    it.each([
      ['الرياض', 'riyadh'],
      ['Riyadh', 'riyadh'],
      ['جدة', 'jeddah'],
      ['جده', 'jeddah'],
      ['Jeddah', 'jeddah'],
      ['مكه', 'makkah'],
      ['مكة المكرمة', 'makkah'],
      ['Mecca', 'makkah'],
      ['انا ساكن في الرياض', 'riyadh'],
    ])('classifies "%s" as outside the province', (text, id) => {
      expect(matchCity(text)).toEqual(outside(id));
    });

    it('prefers the province city when a city elsewhere is named too', () => {
      expect(matchCity('من الرياض وساكن في الخبر')).toEqual(province('khobar'));
      expect(matchCity('I moved from Jeddah to Dammam')).toEqual(province('dammam'));
    });
  });
});

describe('city display names in the locales', () => {
  const localesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'locales');
  const load = (locale: string): { cities: Record<string, unknown> & { outside: Record<string, unknown> } } =>
    parseYaml(fs.readFileSync(path.join(localesDir, locale, 'cities.yaml'), 'utf8'));

  it.each(['ar', 'en'])('names every place of the table in %s, and nothing else', (locale) => {
    const { cities } = load(locale);
    const { outside: outsideNames, ...provinceNames } = cities;
    expect(Object.keys(provinceNames).sort()).toEqual([...EASTERN_PROVINCE_IDS].sort());
    expect(Object.keys(outsideNames).sort()).toEqual(OTHER_SAUDI_CITIES.map((p) => p.id).sort());
    for (const name of [...Object.values(provinceNames), ...Object.values(outsideNames)]) {
      expect(typeof name === 'string' && name.trim() !== '' && !/[{}']/.test(name), String(name)).toBe(true);
    }
  });

  it('writes the Arabic names in Arabic and the English ones in Latin letters', () => {
    const ar = load('ar').cities;
    const en = load('en').cities;
    expect(ar['ahsa']).toBe('الأحساء');
    expect(ar['abqaiq']).toBe('بقيق');
    expect(Object.values(ar.outside).every((name) => hasArabic(String(name)))).toBe(true);
    expect(Object.values(en.outside).every((name) => !hasArabic(String(name)))).toBe(true);
    expect(en['dammam']).toBe('Dammam');
  });
});
