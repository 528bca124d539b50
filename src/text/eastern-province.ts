/**
 * Reads the city a beneficiary types ("الدمام", "انا من الهفوف", "Al-Khobar", "الدمامم") and says
 * whether it is in the Eastern Province (by governorate), elsewhere in Saudi Arabia, or not a place
 * we know. The association serves the Eastern Province only, so the difference between "outside" and
 * "unknown" matters: the first is a clear answer, the second is worth asking again.
 *
 * The file is longer than most because it carries the place table; the matching itself is below it.
 */
import { normalizeArabic } from './normalize.js';

/** The 13 governorates of the Eastern Province (Saudipedia, article 6541) and the city of Dhahran. */
export const EASTERN_PROVINCE_IDS = [
  'dammam', 'ahsa', 'hafr_al_batin', 'jubail', 'qatif', 'khobar', 'khafji', 'udayd',
  'ras_tanura', 'abqaiq', 'nairiyah', 'qaryat_al_ulya', 'bayda', 'dhahran',
] as const;
export type EasternProvinceId = (typeof EASTERN_PROVINCE_IDS)[number];

/**
 * How people write one place. Towns and districts are listed under the governorate they belong to.
 * Spelling is free: every name goes through `normalizeArabic` and loses a leading ال / al / el, so
 * listing `الأحساء` also covers `الاحساء`, `احساء` and `الأحساء` with tashkeel.
 */
export type PlaceNames<Id extends string = string> = {
  readonly id: Id;
  /** Arabic names, read anywhere in the answer (`ساكن في الخبر`). */
  readonly ar: readonly string[];
  /** English transliterations, read anywhere in the answer (`I live in Dhahran`). */
  readonly en: readonly string[];
  /**
   * Names that are also ordinary words (البيضاء "white", العديد "many", عنك "about you"): a place only
   * when they are the whole answer, give or take filler such as `انا من` or `مدينة`.
   */
  readonly wholeAnswerOnly?: readonly string[];
};

export const EASTERN_PROVINCE_PLACES: readonly PlaceNames<EasternProvinceId>[] = [
  { id: 'dammam', ar: ['الدمام', 'دمام'], en: ['Dammam', 'Ad-Dammam', 'Addammam', 'Damam'] },
  {
    id: 'ahsa',
    ar: ['الأحساء', 'الأحسا', 'الحساء', 'الحسا', 'الهفوف', 'المبرز', 'الحليلة', 'الجشة', 'المنيزلة',
      'المطيرفي', 'الكلابية', 'البطالية', 'الدالوة', 'التويثير', 'العقير'],
    en: ['Al-Ahsa', 'Alahsa', 'Al-Ahsaa', 'Al-Hasa', 'Alhasa', 'Al-Hassa', 'Lahsa', 'Hofuf', 'Al-Hofuf',
      'Hufuf', 'Hofof', 'Mubarraz', 'Al-Mubarraz', 'Mobarraz', 'Mubaraz', 'Al-Oyun', 'Al-Uyun', 'Al-Jafr',
      'Al-Omran', 'Al-Taraf', 'Al-Qarah', 'Al-Uqair'],
    wholeAnswerOnly: ['هجر', 'العيون', 'الجفر', 'العمران', 'الطرف', 'القارة'],
  },
  {
    id: 'hafr_al_batin',
    ar: ['حفر الباطن', 'حفرالباطن', 'القيصومة'],
    en: ['Hafr Al-Batin', 'Hafar Al-Batin', 'Hafr Albatin', 'Hafr', 'Hafar', 'Al-Qaisumah', 'Qaysumah'],
    wholeAnswerOnly: ['الحفر'],
  },
  {
    id: 'jubail',
    ar: ['الجبيل', 'الجبيل الصناعية', 'الجبيل البلد'],
    en: ['Jubail', 'Al-Jubail', 'Jubayl', 'Jubail Industrial City'],
  },
  {
    id: 'qatif',
    ar: ['القطيف', 'سيهات', 'صفوى', 'تاروت', 'العوامية', 'القديح', 'أم الحمام', 'سنابس', 'الأوجام',
      'الربيعية', 'التوبي', 'الخويلدية', 'الجارودية', 'حلة محيش', 'أم الساهك', 'الشويكة'],
    en: ['Qatif', 'Al-Qatif', 'Qateef', 'Katif', 'Saihat', 'Sayhat', 'Seihat', 'Safwa', 'Safwah', 'Tarout',
      'Tarut', 'Anak', 'Awamiyah', 'Al-Awamiyah', 'Awamia', 'Qudaih', 'Al-Qudaih', 'Umm Al-Hamam',
      'Sanabis', 'Al-Awjam'],
    wholeAnswerOnly: ['دارين', 'Darin', 'عنك', 'الجش', 'الآجام', 'البحاري'],
  },
  {
    id: 'khobar',
    ar: ['الخبر', 'الثقبة', 'العقربية'],
    en: ['Khobar', 'Al-Khobar', 'Alkhobar', 'El Khobar', 'Khubar', 'Al-Khubar', 'Thuqbah', 'Al-Thuqbah',
      'Thugbah', 'Aqrabiyah', 'Al-Aqrabiyah'],
    wholeAnswerOnly: ['العزيزية'],
  },
  { id: 'khafji', ar: ['الخفجي'], en: ['Khafji', 'Al-Khafji', 'Khafjy'] },
  {
    id: 'udayd',
    ar: ['محافظة العديد'],
    en: ['Al-Udayd', 'Udayd', 'Al-Udaid', 'Udaid', 'Al-Odaid'],
    wholeAnswerOnly: ['العديد'],
  },
  {
    id: 'ras_tanura',
    ar: ['رأس تنورة', 'راستنورة', 'رحيمة'],
    en: ['Ras Tanura', 'Ras Tanurah', 'Ras Tannurah', 'Ras Tannura', 'Rastanura', 'Rahimah', 'Rahima',
      'Ar-Rahimah'],
  },
  { id: 'abqaiq', ar: ['بقيق', 'أبقيق'], en: ['Abqaiq', 'Buqayq', 'Buqaiq', 'Abqaig', 'Abqeeq'] },
  {
    id: 'nairiyah',
    ar: ['النعيرية'],
    en: ['Nairiyah', 'Nairiya', 'An-Nairiyah', 'Nuayriyah', "Nu'ayriyah", "An Nu'ayriyah", 'Nuairiyah'],
  },
  {
    id: 'qaryat_al_ulya',
    ar: ['قرية العليا'],
    en: ['Qaryat Al-Ulya', 'Qaryat Al-Olaya', 'Qariyat Al-Ulya', 'Qarya Al-Ulya', 'Qaryat Ulya'],
  },
  {
    id: 'bayda',
    ar: ['محافظة البيضاء', 'محافظة البيضا'],
    en: ['Al-Bayda', 'Bayda', 'Al-Baydha', 'Baydha', 'Al-Baida'],
    wholeAnswerOnly: ['البيضاء', 'البيضا'],
  },
  {
    id: 'dhahran',
    ar: ['الظهران', 'الضهران'],
    en: ['Dhahran', 'Adh-Dhahran', 'Dahran', 'Dhahraan', 'Thahran'],
  },
];

/** Well-known places elsewhere in the Kingdom, so "الرياض" is a clear "outside", not an "unknown". */
export const OTHER_SAUDI_CITIES: readonly PlaceNames[] = [
  { id: 'riyadh', ar: ['الرياض'], en: ['Riyadh', 'Riyad', 'Ar-Riyadh', 'Ryadh'] },
  { id: 'jeddah', ar: ['جدة'], en: ['Jeddah', 'Jedda', 'Jiddah', 'Jidda', 'Jedah'] },
  { id: 'makkah', ar: ['مكة', 'مكة المكرمة'], en: ['Makkah', 'Makka', 'Mecca', 'Mekkah', 'Makkah Al-Mukarramah'] },
  {
    id: 'madinah',
    ar: ['المدينة المنورة'],
    en: ['Madinah', 'Madina', 'Medina', 'Medinah', 'Al-Madinah Al-Munawwarah'],
    wholeAnswerOnly: ['المدينة'],
  },
  { id: 'taif', ar: ['الطائف', 'الطايف'], en: ['Taif', "Ta'if", 'At-Taif'] },
  { id: 'abha', ar: ['أبها'], en: ['Abha'] },
  { id: 'khamis_mushait', ar: ['خميس مشيط'], en: ['Khamis Mushait', 'Khamis Mushayt'] },
  { id: 'tabuk', ar: ['تبوك'], en: ['Tabuk', 'Tabouk'] },
  { id: 'hail', ar: ['حائل', 'حايل'], en: ['Hail', "Ha'il", 'Hayil'] },
  { id: 'buraydah', ar: ['بريدة'], en: ['Buraydah', 'Buraidah', 'Buraida', 'Burayda'] },
  { id: 'unaizah', ar: ['عنيزة'], en: ['Unaizah', 'Unayzah', 'Onaizah', 'Unaiza'] },
  { id: 'qassim', ar: ['القصيم'], en: ['Qassim', 'Al-Qassim', 'Qaseem', 'Gassim'] },
  { id: 'jazan', ar: ['جازان', 'جيزان'], en: ['Jazan', 'Jizan', 'Gizan'] },
  { id: 'najran', ar: ['نجران'], en: ['Najran'] },
  { id: 'al_baha', ar: [], en: ['Al-Baha', 'Albaha', 'Baha'], wholeAnswerOnly: ['الباحة'] },
  { id: 'sakaka', ar: ['سكاكا'], en: ['Sakaka', 'Sakakah'] },
  { id: 'al_jouf', ar: [], en: ['Al-Jouf', 'Jouf', 'Al-Jawf', 'Jawf'], wholeAnswerOnly: ['الجوف'] },
  { id: 'arar', ar: ['عرعر'], en: ['Arar'] },
  { id: 'yanbu', ar: ['ينبع'], en: ['Yanbu', 'Yenbo', 'Yanbu Al-Bahr'] },
  { id: 'al_kharj', ar: [], en: ['Al-Kharj', 'Kharj'], wholeAnswerOnly: ['الخرج'] },
  { id: 'al_ula', ar: [], en: ['AlUla', 'Al-Ula'], wholeAnswerOnly: ['العلا'] },
  { id: 'qurayyat', ar: [], en: ['Al-Qurayyat', 'Qurayyat', 'Gurayat'], wholeAnswerOnly: ['القريات'] },
  { id: 'rafha', ar: ['رفحاء', 'رفحا'], en: ['Rafha', 'Rafhaa'] },
  { id: 'majmaah', ar: ['المجمعة'], en: ['Al-Majmaah', 'Majmaah', 'Majmaa'] },
  { id: 'zulfi', ar: ['الزلفي'], en: ['Az-Zulfi', 'Zulfi'] },
  { id: 'dawadmi', ar: ['الدوادمي'], en: ['Ad-Dawadmi', 'Dawadmi'] },
  { id: 'wadi_al_dawasir', ar: ['وادي الدواسر'], en: ['Wadi Al-Dawasir', 'Wadi Ad-Dawasir'] },
  { id: 'bisha', ar: ['بيشة'], en: ['Bisha', 'Bishah'] },
  { id: 'qunfudhah', ar: ['القنفذة'], en: ['Al-Qunfudhah', 'Qunfudhah', 'Qunfudah'] },
  { id: 'rabigh', ar: ['رابغ'], en: ['Rabigh'] },
  { id: 'rass', ar: ['الرس'], en: ['Ar-Rass', 'Rass'] },
  { id: 'sabya', ar: [], en: ['Sabya', 'Sabia'], wholeAnswerOnly: ['صبيا'] },
  { id: 'abu_arish', ar: ['أبو عريش'], en: ['Abu Arish'] },
  { id: 'sharurah', ar: ['شرورة'], en: ['Sharurah', 'Sharourah'] },
  { id: 'dhahran_al_janub', ar: ['ظهران الجنوب'], en: ['Dhahran Al-Janub', 'Dhahran Al-Janoub'] },
  { id: 'muhayil', ar: ['محايل عسير', 'محايل'], en: ['Muhayil', 'Muhayil Asir'] },
  { id: 'asir', ar: ['عسير'], en: ['Asir', 'Aseer'] },
  { id: 'tayma', ar: ['تيماء'], en: ['Tayma', 'Taima'] },
  { id: 'umluj', ar: ['أملج'], en: ['Umluj'] },
  { id: 'namas', ar: ['النماص'], en: ['An-Namas', 'Al-Namas', 'Namas'] },
  { id: 'baljurashi', ar: ['بلجرشي'], en: ['Baljurashi'] },
];

/** What a city answer says: a governorate of the province, a place elsewhere, or nothing we know. */
export type CityMatch = { kind: 'province'; id: string } | { kind: 'outside'; id: string } | { kind: 'unknown' };

type Place = { readonly kind: 'province' | 'outside'; readonly id: string };
type Entry = Place & { readonly wholeAnswerOnly: boolean; readonly typoTolerant: boolean };

const UNKNOWN: CityMatch = { kind: 'unknown' };

/** Standalone articles: "Al Khobar", "Ad-Dammam" (the hyphen is already a space), "ال دمام". */
const ARTICLES = new Set(['ال', 'al', 'el', 'ad', 'adh', 'ar', 'as', 'ash', 'at', 'az', 'an', 'ath']);

/**
 * Words around a city name in a short answer ("انا ساكن في مدينة …", "I live in …"). Only the
 * whole-answer check drops them; they are compared before ال is stripped, so `مدينه` is filler and
 * `المدينه` (Madinah) is not.
 */
const FILLERS = new Set([
  'انا', 'احنا', 'نحن', 'من', 'في', 'ساكن', 'ساكنه', 'ساكنين', 'اسكن', 'نسكن', 'سكني', 'اعيش', 'نعيش',
  'عايش', 'عايشه', 'مقيم', 'مقيمه', 'مقيمين', 'اقيم', 'مدينه', 'مدينتي', 'محافظه', 'محافظتي', 'منطقه',
  'المنطقه', 'الشرقيه', 'السعوديه', 'المملكه', 'بلدي', 'حي', 'حاليا', 'الحين',
  'i', 'im', 'm', 'am', 'we', 're', 'live', 'living', 'lives', 'reside', 'based', 'stay', 'staying',
  'in', 'from', 'the', 'city', 'of', 'my', 'our', 'is', 'governorate', 'province', 'eastern', 'region',
  'saudi', 'arabia', 'ksa', 'town', 'area', 'district',
]);

/** A typo is only guessed for a name of this many letters (with ال) and a typed word of as many (without). */
const TYPO_MIN_LETTERS = 5;

/**
 * The comparison form of one normalized word: without a leading article, also when it follows a
 * preposition or "and" (`بالدمام`, `والخبر`, `للخبر`), and `al`/`el` glued to a Latin name
 * (`Alkhobar`). Articles on their own become ''.
 */
function foldWord(word: string): string {
  if (ARTICLES.has(word)) return '';
  const arabic = /^(?:[وفبك]?ال|لل)(..+)$/.exec(word);
  if (arabic?.[1] !== undefined) return arabic[1];
  const latin = /^(?:al|el)([a-z]{3,})$/.exec(word);
  return latin?.[1] ?? word;
}

function foldWords(words: readonly string[]): string[] {
  return words.map(foldWord).filter((word) => word !== '');
}

function wordsOf(text: string): string[] {
  const normalized = normalizeArabic(text);
  return normalized === '' ? [] : normalized.split(' ');
}

function addName(lookup: Map<string, Entry>, place: Place, name: string, wholeAnswerOnly: boolean): void {
  const words = wordsOf(name);
  const key = foldWords(words).join(' ');
  const letters = words.join('').length;
  const entry: Entry = { ...place, wholeAnswerOnly, typoTolerant: !wholeAnswerOnly && letters >= TYPO_MIN_LETTERS };
  const existing = lookup.get(key);
  if (existing && (existing.id !== place.id || existing.wholeAnswerOnly !== wholeAnswerOnly)) {
    throw new Error(`eastern-province: "${name}" reads as "${key}", already taken by ${existing.kind}:${existing.id}`);
  }
  lookup.set(key, existing?.typoTolerant ? existing : entry);
}

/** Built once at module load: folded name → place. A name claimed by two places is a bug in the table. */
function buildLookup(): Map<string, Entry> {
  const lookup = new Map<string, Entry>();
  const tables = [
    ['province', EASTERN_PROVINCE_PLACES],
    ['outside', OTHER_SAUDI_CITIES],
  ] as const;
  for (const [kind, places] of tables) {
    for (const { id, ar, en, wholeAnswerOnly = [] } of places) {
      for (const name of [...ar, ...en]) addName(lookup, { kind, id }, name, false);
      for (const name of wholeAnswerOnly) addName(lookup, { kind, id }, name, true);
    }
  }
  return lookup;
}

const LOOKUP: ReadonlyMap<string, Entry> = buildLookup();
const MAX_NAME_WORDS = Math.max(...[...LOOKUP.keys()].map((key) => key.split(' ').length));
const TYPO_TOLERANT = [...LOOKUP].filter(([, entry]) => entry.typoTolerant);

function toMatch(place: Place): CityMatch {
  return { kind: place.kind, id: place.id };
}

/**
 * Every place named in a sentence, longest name first at each position, so `حفر الباطن` is one place
 * and `مدينه الجبيل` is Jubail rather than "the city". Whole-answer-only names are skipped here.
 */
function placesInSentence(words: readonly string[]): Place[] {
  const found: Place[] = [];
  let start = 0;
  while (start < words.length) {
    let length = Math.min(MAX_NAME_WORDS, words.length - start);
    for (; length > 0; length -= 1) {
      const entry = LOOKUP.get(words.slice(start, start + length).join(' '));
      if (entry && !entry.wholeAnswerOnly) {
        found.push(entry);
        break;
      }
    }
    start += Math.max(length, 1);
  }
  return found;
}

/** True when `typed` is `name` with one letter added, dropped, replaced or swapped with its neighbour. */
function isTypoOf(typed: string, name: string): boolean {
  if (typed.length === name.length) return isOneSwapOrReplacement(typed, name);
  if (Math.abs(typed.length - name.length) !== 1) return false;
  const [shorter, longer] = typed.length < name.length ? [typed, name] : [name, typed];
  const i = firstDifference(shorter, longer);
  return shorter.slice(i) === longer.slice(i + 1);
}

function isOneSwapOrReplacement(a: string, b: string): boolean {
  const i = firstDifference(a, b);
  if (i === a.length || a.slice(i + 1) === b.slice(i + 1)) return true;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  return i;
}

/**
 * The one place a typo is closest to; none when two places are equally close. The typed word needs 5+
 * letters after ال: shorter Arabic words sit one letter from a four-letter name (جميل/جبيل, لطيف/قطيف,
 * رحيم/رحيمه), while `الدمامم` (a letter added to الدمام) is still Dammam.
 */
function placeByTypo(key: string): Place | undefined {
  if (key.length < TYPO_MIN_LETTERS || /\d/.test(key)) return undefined;
  const close = new Map<string, Place>();
  for (const [name, entry] of TYPO_TOLERANT) {
    if (isTypoOf(key, name)) close.set(`${entry.kind}:${entry.id}`, entry);
  }
  return close.size === 1 ? [...close.values()][0] : undefined;
}

/**
 * The answer without filler, read as one name: here ambiguous words count (`البيضاء`, `انا من
 * العديد`), and so does a one-letter typo. Typos are only forgiven for the whole answer because in a
 * sentence ordinary words sit one letter from a city (جميل/جبيل, لطيف/قطيف).
 */
function placeOfWholeAnswer(words: readonly string[]): Place | undefined {
  const key = foldWords(words.filter((word) => !FILLERS.has(word))).join(' ');
  if (key === '') return undefined;
  return LOOKUP.get(key) ?? placeByTypo(key);
}

/**
 * Reads a city answer. A province place wins over one elsewhere when both are named ("من الرياض
 * وساكن في الخبر" → Khobar); otherwise the first place named counts.
 *
 * @example matchCity('انا من الهفوف') // { kind: 'province', id: 'ahsa' }
 * @example matchCity('Jeddah') // { kind: 'outside', id: 'jeddah' }
 * @example matchCity('Paris') // { kind: 'unknown' }
 */
export function matchCity(text: string): CityMatch {
  const words = wordsOf(text);
  if (words.length === 0) return UNKNOWN;
  const named = placesInSentence(foldWords(words));
  const place = named.find((p) => p.kind === 'province') ?? named[0] ?? placeOfWholeAnswer(words);
  return place ? toMatch(place) : UNKNOWN;
}
