import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/bot/vocabulary.js';
import { createI18n } from '../../src/i18n/i18n.js';
import { DISTRESS_PHRASES_KEY, DistressDetector } from '../../src/safety/distress.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vocabulary = new Vocabulary(createI18n(path.join(root, 'locales')));
const detector = DistressDetector.fromVocabulary(vocabulary);

describe('the distress detector (phrases from locales/*/safety.yaml)', () => {
  it('knows phrases in both languages', () => {
    const phrases = vocabulary.words(DISTRESS_PHRASES_KEY);
    expect(phrases).toContain('ابي اموت');
    expect(phrases).toContain('kill myself');
    expect(detector.size).toBe(phrases.length);
  });

  it.each([
    'ابي اموت',
    'أبي أموت خلاص',
    'والله ودي اموت',
    'تعبت من الحياة',
    'تعبت من الحياه وما عاد لي خلق',
    'ما ابي اعيش بعد اليوم',
    'أفكر أنتحر',
    'فكرت في الانتحار',
    'انتحار',
    'بقتل نفسي',
    'ابي اقتل نفسي',
    'ودي أذي نفسي',
    'ما عاد فيني حيل',
    'الموت أرحم لي من هالحال',
    'حياتي ما لها معنى بدون عيال',
    'يئست من كل شي',
    'يئِسْتُ مِنْ كُلِّ شَيْء',
    'وانتحر وارتاح',
    'تعـــبت من الحياة',
  ])('flags «%s»', (text) => {
    expect(detector.detect(text)).toBe(true);
  });

  it.each([
    'I want to die',
    'I just want to die.',
    'sometimes I think about killing myself',
    'Suicide is on my mind',
    "I want to end my life",
    'I have been hurting myself',
    'self-harm',
    'there is no reason to live anymore',
    "I don't want to live like this",
  ])('flags "%s"', (text) => {
    expect(detector.detect(text)).toBe(true);
  });

  it.each([
    'تعبت من العلاج',
    'تعبت من العلاج والمراجعات',
    'موت الأجنة بعد الترجيع',
    'صار عندي موت للأجنة مرتين',
    'الدكتور قال الجنين مات',
    'توفي الجنين في الشهر الثالث',
    'ابي اقدم طلب دعم',
    'ابي اكلم موظف',
    'كم مدة الرد على الطلب؟',
    'تعبت نفسيًا من الانتظار بس الحمد لله',
    'ما ابي اموت قبل ما اشوف ولدي',
    'قتلني الانتظار',
    'الحياة صعبة بس متفائلين',
  ])('does not flag «%s»', (text) => {
    expect(detector.detect(text)).toBe(false);
  });

  it.each([
    'I am tired of the treatment',
    'the embryo died',
    'the embryos died after transfer',
    'I am dying to know the result',
    'what documents do I need?',
    "I don't want to die without having a child",
    'is there a risk of harm to the baby?',
  ])('does not flag "%s"', (text) => {
    expect(detector.detect(text)).toBe(false);
  });

  it('matches whole words only, never inside a longer word', () => {
    const only = new DistressDetector(['انتحر', 'die']);
    expect(only.detect('انتحرت')).toBe(false);
    expect(only.detect('diet plan')).toBe(false);
    expect(only.match('ثم انتحر')).toBe('انتحر');
  });

  it('takes the exception phrases out before matching', () => {
    const d = new DistressDetector(['ابي اموت'], ['ما ابي اموت']);
    expect(d.detect('ما ابي اموت')).toBe(false);
    expect(d.detect('ما ابي اموت، بس احيانا ابي اموت')).toBe(true);
  });

  it('reads only the start of a very long message, and an empty one is never distress', () => {
    expect(detector.detect('')).toBe(false);
    expect(detector.detect(`${'كلام '.repeat(900)} ابي اموت`)).toBe(false);
    expect(detector.detect(`ابي اموت ${'كلام '.repeat(900)}`)).toBe(true);
  });
});
