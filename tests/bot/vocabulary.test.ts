import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Vocabulary, type Command } from '../../src/bot/vocabulary.js';
import { loadFlows } from '../../src/flows/load-flows.js';
import { VALIDATORS } from '../../src/flows/validators.js';
import { createI18n } from '../../src/i18n/i18n.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const i18n = createI18n(path.join(root, 'locales'));
const vocabulary = new Vocabulary(i18n);

describe('global commands', () => {
  it.each<[string, Command]>([
    ['القائمة', 'menu'],
    ['القائمه', 'menu'],
    ['القائمة الرئيسية', 'menu'],
    ['Menu', 'menu'],
    ['رجوع', 'back'],
    ['ارجع', 'back'],
    ['go back', 'back'],
    ['إلغاء', 'cancel'],
    ['الغاء', 'cancel'],
    ['cancel', 'cancel'],
    ['English', 'to_english'],
    ['انجليزي', 'to_english'],
    ['عربي', 'to_arabic'],
    ['Arabic', 'to_arabic'],
    ['تغيير اللغة', 'language'],
    ['مساعدة', 'help'],
    ['help', 'help'],
    ['موظف', 'human'],
    ['ابي اكلم موظف', 'human'],
    ['أبغى أكلم موظف لو سمحت', 'human'],
    ['ممكن الباحثة الاجتماعية', 'human'],
    ['talk to a person please', 'human'],
    ['I want to talk to someone', 'human'],
  ])('understands "%s" as %s', (text, command) => {
    expect(vocabulary.command(text)).toBe(command);
  });

  it('understands a command with punctuation, diacritics and bidi marks around it', () => {
    expect(vocabulary.command('\u200Fالقائِمة!!')).toBe('menu');
    expect(vocabulary.command('رجـــوع؟')).toBe('back');
  });

  it.each([
    'وش معنى كلمة رجوع',
    'كم موظف عندكم في الجمعية',
    'ابي اعرف وش في القائمة الرئيسية عندكم اليوم لو سمحت',
    'هل تقدرون تساعدون في العلاج',
  ])('does not treat "%s" as a command', (text) => {
    expect(vocabulary.command(text)).toBeNull();
  });

  it('is not a command when the message is empty or filler only', () => {
    expect(vocabulary.command('')).toBeNull();
    expect(vocabulary.command('؟؟')).toBeNull();
    expect(vocabulary.command('لو سمحت')).toBeNull();
  });
});

describe('greetings', () => {
  it('splits the salam off a question that follows it', () => {
    expect(vocabulary.greeting('السلام عليكم، كم مدة الرد؟')).toEqual({ kind: 'salam', rest: 'كم مده الرد' });
  });

  it('treats the full salam as a greeting with nothing after it', () => {
    expect(vocabulary.greeting('السلام عليكم ورحمة الله وبركاته')).toEqual({ kind: 'salam', rest: '' });
    expect(vocabulary.greeting('السلام عليكم ورحمة الله')).toEqual({ kind: 'salam', rest: '' });
    expect(vocabulary.greeting('السلام عليكم ورحمة الله وبركاته، كيف الحال؟')).toEqual({ kind: 'salam', rest: '' });
  });

  it('keeps the question after a full salam', () => {
    expect(vocabulary.greeting('السلام عليكم ورحمة الله وبركاته وش شروط الدعم')).toEqual({ kind: 'salam', rest: 'وش شروط الدعم' });
  });

  it('tells other greetings apart from the salam', () => {
    expect(vocabulary.greeting('مرحبا، كيف الحال')).toEqual({ kind: 'hello', rest: '' });
    expect(vocabulary.greeting('Hello there')).toEqual({ kind: 'hello', rest: '' });
    expect(vocabulary.greeting('هلا والله ابي اسال عن العلاج')).toEqual({ kind: 'hello', rest: 'ابي اسال عن العلاج' });
  });

  it('finds no greeting where there is none, returning the normalized text', () => {
    expect(vocabulary.greeting('كم مدة الرد؟')).toEqual({ kind: null, rest: 'كم مده الرد' });
    expect(vocabulary.greeting('سلامتك')).toEqual({ kind: null, rest: 'سلامتك' });
  });
});

describe('words', () => {
  it('gives the normalized words of a key in both languages', () => {
    const words = vocabulary.words('menu.items.about');
    expect(words).toContain('عن الجمعيه');
    expect(words).toContain('about injab');
  });

  it('gives nothing for an unknown key', () => {
    expect(vocabulary.words('no.such.key')).toEqual([]);
  });

  describe('flow triggers', () => {
    const fixtureDir = path.join(root, 'tests', 'fixtures', 'flows-engine');
    const fixtureI18n = createI18n(path.join(fixtureDir, 'locales'));
    const fixtureVocabulary = new Vocabulary(fixtureI18n);
    const flows = loadFlows(fixtureDir, { i18n: fixtureI18n, services: new Set(['submit_application']), validators: new Set(Object.keys(VALIDATORS)) });

    it('finds the flow whose trigger phrase the message contains, in either language', () => {
      expect(fixtureVocabulary.trigger('السلام عليكم ابي اقدم طلب لو سمحت', flows)).toBe('application');
      expect(fixtureVocabulary.trigger('How do I apply for support?', flows)).toBe('application');
    });

    it('matches whole words only', () => {
      expect(fixtureVocabulary.trigger('applying is hard', flows)).toBeNull();
      expect(fixtureVocabulary.trigger('كم مدة الرد', flows)).toBeNull();
    });
  });
});
