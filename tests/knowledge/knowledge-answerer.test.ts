import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnswerResult } from '../../src/bot/answerer.js';
import type { Locale } from '../../src/i18n/i18n.js';
import type { KnowledgeEntry } from '../../src/knowledge/entry.js';
import { decide, DEFAULT_THRESHOLDS } from '../../src/knowledge/knowledge-answerer.js';
import { KnowledgeIndex } from '../../src/knowledge/knowledge-index.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shipped knowledge, loaded once: these tests read as what a beneficiary gets. */
const shipped = loadKnowledge({ builtinDir: path.join(root, 'knowledge'), guideDirs: [] });
const index = new KnowledgeIndex(shipped.entries, shipped.synonyms);
const ask = (text: string, locale: Locale = 'ar'): AnswerResult => decide(index, text, locale);

const entryOf = (id: string, locale: Locale): KnowledgeEntry => {
  const entry = shipped.entries.find((e) => e.id === id && e.locale === locale);
  if (!entry) throw new Error(`no ${locale} entry ${id}`);
  return entry;
};

const DECLINING = shipped.entries.filter((e) => e.decline === true).map((e) => e.id);

/** The entry id a result answers with, or how it fell short ("suggest", "none"). */
const outcome = (result: AnswerResult): string => (result.kind === 'answer' ? result.id : result.kind);

describe('decide() on the shipped knowledge: answering', () => {
  // Phrasings written for this test: none of them is in the FAQ files or the evaluation sets.
  it.each([
    ['كم يوم تاخذون عشان تردون على الطلب', 'decision_time'],
    ['ابغى اكون متطوع عندكم', 'volunteer'],
    ['ودي اتبرع بمبلغ للجمعيه', 'donate'],
    ['وش رقم ترخيص جمعيتكم', 'license'],
    ['تشتغلون يوم السبت؟', 'working_days'],
    ['ابي اكلم الباحثه', 'social_researcher'],
    ['الاستشارة تكلف شي ولا مجانيه', 'services_cost'],
    ['طلبي انرفض وش اسوي الحين', 'rejected'],
    ['انقبلنا الحمدلله وش الخطوه الجايه', 'accepted_next'],
    ['ابغى الغي طلبي اللي رسلته', 'withdraw_request'],
    ['وين مكانكم بالضبط', 'contact_details'],
    ['وش المستندات اللي تبونها', 'documents_complete'],
    ['ساكنه بعيد وما اقدر اجي للجمعيه', 'remote'],
    ['ما ابي احد من اهلي يعرف اني قدمت', 'confidentiality'],
    ['عرفوني على جمعيتكم', 'about_org'],
  ])('answers the Gulf-dialect question %j with %s', (question, id) => {
    expect(outcome(ask(question))).toBe(id);
  });

  it.each([
    ['هل الجمعية حاصلة على ترخيص رسمي', 'license'],
    ['ما هي أيام الدوام الرسمي', 'working_days'],
    ['نسكن في الخبر هل تشملنا الخدمة', 'region'],
    ['هل تحذفون بياناتي إذا طلبت', 'privacy'],
    ['كم مدة دراسة الطلبات عندكم', 'decision_time'],
    ['هل يمكن تقديم الطلب عن بعد', 'remote'],
    ['هل يعامل موظفو الجمعية المستفيدين باحترام', 'policy_promise'],
    ['هل لي حق في تقييم الخدمة', 'survey_purpose'],
  ])('answers the MSA question %j with %s', (question, id) => {
    expect(outcome(ask(question))).toBe(id);
  });

  it.each([
    ['how long until you get back to me about my application', 'decision_time'],
    ['I would like to volunteer', 'volunteer'],
    ['how can I donate to you', 'donate'],
    ['is your charity licensed', 'license'],
    ['is the office closed on fridays', 'working_days'],
    ['can I cancel my application', 'withdraw_request'],
    ["I'd like to file a complaint about the slow reply", 'suggestions'],
    ['will a consultation with you cost me money', 'services_cost'],
    ['do you serve people in Dammam', 'region'],
    ['what happens after I submit my request', 'after_submit'],
    ['why did you send me a survey', 'survey_purpose'],
    ['who is responsible if my data is wrong', 'data_responsibility'],
    ['is it possible to get my data deleted', 'privacy'],
    ['can my husband and I do everything online without visiting', 'remote'],
    ['where do I send my medical reports', 'documents_complete'],
    ['how do I change the phone number in my request', 'correct_data'],
  ])('answers the English question %j with %s', (question, id) => {
    expect(outcome(ask(question, 'en'))).toBe(id);
  });

  it('answers with the entry’s text and a confidence between 0 and 1', () => {
    const result = ask('كم يوم تاخذون عشان تردون على الطلب');
    expect(result).toEqual({ kind: 'answer', id: 'decision_time', score: expect.any(Number), text: entryOf('decision_time', 'ar').answer });
    if (result.kind === 'answer') expect(result.score).toBeGreaterThan(0);
    if (result.kind === 'answer') expect(result.score).toBeLessThanOrEqual(1);
  });

  it('answers an Arabic question asked in an English conversation in English', () => {
    const result = ask('كم يوم تاخذون عشان تردون على الطلب', 'en');
    expect(result).toMatchObject({ kind: 'answer', id: 'decision_time', text: entryOf('decision_time', 'en').answer });
    expect(result.kind === 'answer' && result.text).toContain('two weeks');
  });

  it('answers an English question asked in an Arabic conversation in Arabic', () => {
    expect(ask('I would like to volunteer', 'ar')).toMatchObject({ kind: 'answer', id: 'volunteer', text: entryOf('volunteer', 'ar').answer });
  });

  it('cites no guide for an FAQ answer', () => {
    expect(ask('وش رقم ترخيص جمعيتكم')).not.toHaveProperty('source');
  });
});

describe('decide() on the shipped knowledge: declining', () => {
  it.each([
    'وش رايكم بمطعم حلو في الخبر',
    'ابي احجز تذكرة طيران للرياض',
    'من هو افضل لاعب في العالم',
    'كم درجة الحرارة في الدمام',
    'what is the capital of France',
    'can you help me with my math homework',
    'how do I renew my passport',
    'write me a poem',
  ])('declines the unrelated question %j', (question) => {
    const result = ask(question, /[a-z]/i.test(question) ? 'en' : 'ar');
    expect(result.kind).toBe('none');
  });

  it.each([
    ['وش افضل ابره للتبويض', 'ar'],
    ['كم مره لازم اسوي تحليل هرمونات', 'ar'],
    ['what medicine should my wife take to get pregnant', 'en'],
    ["what's the best diet to get pregnant fast", 'en'],
  ] as const)('declines the medical question %j instead of advising', (question, locale) => {
    const result = ask(question, locale);
    expect(result.kind).toBe('none');
    if (result.kind === 'none' && result.explanation) {
      expect(result.explanation).toEqual({ id: 'medical_advice', text: entryOf('medical_advice', locale).answer });
    }
  });

  it('explains a declined medical question in the conversation’s language', () => {
    expect(ask('وش افضل ابره للتبويض', 'en')).toEqual({
      kind: 'none',
      understood: true,
      explanation: { id: 'medical_advice', text: entryOf('medical_advice', 'en').answer },
    });
  });

  it.each(['👍🙏', '🌹🌹🌹', 'ممكن لو سمحت', 'the and of please', 'وش', '؟؟؟'])('says it understood nothing in %j (no searchable words)', (message) => {
    expect(ask(message)).toEqual({ kind: 'none', understood: false });
  });
});

describe('decide() on the shipped knowledge: "did you mean"', () => {
  it('offers at most three entries for a vague question, titled in Arabic in an Arabic conversation', () => {
    const result = ask('الطلب', 'ar');
    expect(result.kind).toBe('suggest');
    if (result.kind !== 'suggest') return;
    expect(result.options.length).toBeGreaterThan(1);
    expect(result.options.length).toBeLessThanOrEqual(3);
    for (const option of result.options) expect(option.title).toBe(entryOf(option.id, 'ar').title);
  });

  it('titles the options in English in an English conversation, even for an Arabic question', () => {
    for (const question of ['my request', 'الطلب']) {
      const result = ask(question, 'en');
      expect(result.kind, question).toBe('suggest');
      if (result.kind !== 'suggest') continue;
      expect(result.options.length).toBeLessThanOrEqual(3);
      for (const option of result.options) expect(option.title).toBe(entryOf(option.id, 'en').title);
    }
  });

  it('answers the entry of a title sent back (the button), with full confidence', () => {
    for (const locale of ['ar', 'en'] as const) {
      const result = ask('الطلب', locale);
      if (result.kind !== 'suggest') throw new Error('expected a suggestion');
      for (const option of result.options) {
        expect(ask(option.title, locale)).toEqual({ kind: 'answer', id: option.id, score: 1, text: entryOf(option.id, locale).answer });
      }
    }
  });

  it('answers a title of the other language in the conversation’s language', () => {
    expect(ask(entryOf('decision_time', 'ar').title, 'en')).toMatchObject({ kind: 'answer', id: 'decision_time', score: 1, text: entryOf('decision_time', 'en').answer });
  });

  it('never offers a declining entry as a suggestion', () => {
    const vague = ['الطلب', 'طلبي', 'my request', 'data', 'المستشفى', 'hospital', 'treatment', 'العلاج', 'نسبة', 'الحمل', 'حالتي', 'التحاليل'];
    for (const question of vague) {
      for (const locale of ['ar', 'en'] as const) {
        const result = ask(question, locale);
        if (result.kind === 'suggest') expect(result.options.map((o) => o.id).filter((id) => DECLINING.includes(id)), question).toEqual([]);
      }
    }
  });
});

describe('decide() on a small index', () => {
  const entry = (id: string, locale: Locale, title: string, questions: string[], answer: string, decline = false): KnowledgeEntry => ({
    id,
    locale,
    title,
    questions,
    keywords: [],
    answer,
    source: { guide: 'test guide' },
    origin: 'faq',
    file: `knowledge/${locale}/faq.yaml`,
    ...(decline ? { decline } : {}),
  });
  // The declining entry has one more word, so it ranks just behind the two others (not tied with them).
  const entries = [
    entry('visit_hospital', 'en', 'Hospital visits', ['hospital visit schedule times'], 'We cannot say.', true),
    entry('visit_home', 'en', 'Home visits', ['home visit schedule'], 'We come to you.'),
    entry('visit_office', 'en', 'Office visits', ['office visit schedule'], 'Come to us.'),
  ];
  const small = new KnowledgeIndex(entries, []);
  const noDeclineNear = { ...DEFAULT_THRESHOLDS, declineNear: Number.POSITIVE_INFINITY };

  it('offers the answering entries and leaves out the declining one, even when it matches as well', () => {
    for (const question of ['visit schedule', 'visit', 'schedule']) {
      const result = decide(small, question, 'en', noDeclineNear);
      expect(result.kind, question).toBe('suggest');
      if (result.kind === 'suggest') expect(result.options.map((o) => o.id).sort(), question).toEqual(['visit_home', 'visit_office']);
    }
  });

  it('declines with the entry’s explanation when a declining entry is as close as the best one', () => {
    expect(decide(small, 'visit schedule', 'en')).toEqual({ kind: 'none', understood: true, explanation: { id: 'visit_hospital', text: 'We cannot say.' } });
  });

  it('declines with the explanation when the declining entry is the best match', () => {
    expect(decide(small, 'hospital visit schedule', 'en')).toMatchObject({ kind: 'none', explanation: { id: 'visit_hospital' } });
  });

  it('answers the entry a question clearly means', () => {
    expect(decide(small, 'home visit schedule', 'en')).toMatchObject({ kind: 'answer', id: 'visit_home', text: 'We come to you.' });
  });

  it('decides the same whatever the order of the entries', () => {
    const reversed = new KnowledgeIndex([...entries].reverse(), []);
    for (const question of ['visit schedule', 'home visit schedule', 'hospital visit schedule']) {
      expect(outcome(decide(reversed, question, 'en')), question).toBe(outcome(decide(small, question, 'en')));
    }
  });

  it('answers an entry in its only language when the conversation is in another', () => {
    expect(decide(small, 'Office visits', 'ar')).toMatchObject({ kind: 'answer', id: 'visit_office', score: 1 });
  });
});
