import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Activity } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { renderReplies, splitText, type Reply } from '../../src/bot/render.js';
import type { ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import type { Effect } from '../../src/flows/engine-types.js';
import { createI18n, type Locale } from '../../src/i18n/i18n.js';

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'flows-engine');
const i18n = createI18n(path.join(fixtureDir, 'locales'));

const buttons: ChannelCapabilities = { maxActions: 3, maxActionTitle: 24, maxTextLength: 4096, typing: true };
const noButtons: ChannelCapabilities = { ...buttons, maxActions: 0 };

type Ask = Extract<Effect, { type: 'ask' }>;

const say = (key: string, params: Record<string, string | number> = {}): Reply => ({ type: 'say', key, params });

const menuAsk: Ask = {
  type: 'ask',
  key: 'menu.prompt',
  params: {},
  inputType: 'choice',
  field: 'menu_choice',
  choices: [
    { value: 'apply', label: 'menu.items.apply' },
    { value: 'support', label: 'menu.items.support' },
  ],
  optional: false,
};

const treatmentAsk: Ask = {
  type: 'ask',
  key: 'application.treatment_type',
  params: {},
  inputType: 'choice',
  field: 'treatment_type',
  choices: [
    { value: 'ivf', label: 'application.treatment.ivf' },
    { value: 'iui', label: 'application.treatment.iui' },
    { value: 'medication', label: 'application.treatment.medication' },
  ],
  optional: false,
};

const idAsk: Ask = {
  type: 'ask',
  key: 'application.national_id',
  params: {},
  inputType: 'nationalId',
  field: 'national_id',
  choices: [],
  optional: false,
};

function render(replies: Reply[], capabilities: ChannelCapabilities = buttons, locale: Locale = 'ar'): Partial<Activity>[] {
  return renderReplies(replies, { i18n, locale, capabilities });
}

describe('renderReplies: questions with choices', () => {
  it('shows choices as imBack buttons whose title and value are the label', () => {
    const [activity, ...more] = render([menuAsk]);
    expect(more).toEqual([]);
    expect(activity?.text).toBe('وش تحتاج؟');
    expect(activity?.suggestedActions?.actions).toEqual([
      { type: 'imBack', title: 'طلب دعم', value: 'طلب دعم' },
      { type: 'imBack', title: 'التحدث مع مرشدة', value: 'التحدث مع مرشدة' },
    ]);
    expect(activity?.inputHint).toBe('expectingInput');
  });

  it('labels the buttons in the conversation language', () => {
    const [activity] = render([menuAsk], buttons, 'en');
    expect(activity?.locale).toBe('en');
    expect(activity?.suggestedActions?.actions.map((a) => a.title)).toEqual(['Apply for support', 'Talk to a counsellor']);
  });

  it('marks the question with its field, input type and choice labels', () => {
    const [activity] = render([menuAsk]);
    expect(activity?.channelData).toEqual({ field: 'menu_choice', inputType: 'choice', choices: ['طلب دعم', 'التحدث مع مرشدة'] });
  });

  it('writes a numbered list in the text when the channel has no buttons', () => {
    const [activity] = render([menuAsk], noButtons);
    expect(activity?.text).toBe('وش تحتاج؟\n1. طلب دعم\n2. التحدث مع مرشدة');
    expect(activity?.suggestedActions).toBeUndefined();
    expect(activity?.channelData).toMatchObject({ field: 'menu_choice', inputType: 'choice' });
  });

  it('writes a numbered list when there are more choices than buttons', () => {
    const [activity] = render([treatmentAsk], { ...buttons, maxActions: 2 });
    expect(activity?.text).toBe('وش نوع العلاج؟\n1. أطفال الأنابيب\n2. التلقيح الصناعي\n3. علاج بالأدوية');
    expect(activity?.suggestedActions).toBeUndefined();
  });

  it('writes a numbered list when a label is too long for a button', () => {
    const [activity] = render([treatmentAsk], { ...buttons, maxActionTitle: 10 });
    expect(activity?.text).toContain('\n2. التلقيح الصناعي');
    expect(activity?.suggestedActions).toBeUndefined();
  });

  it('offers yes and no for a yes/no question', () => {
    const yesNo: Ask = { ...idAsk, key: 'application.prior_treatment', inputType: 'yesNo', field: 'prior_treatment' };
    const [activity] = render([yesNo]);
    expect(activity?.suggestedActions?.actions.map((a) => a.value)).toEqual(['نعم', 'لا']);
    expect(activity?.channelData).toMatchObject({ field: 'prior_treatment', inputType: 'yesNo' });
    const [plain] = render([yesNo], noButtons, 'en');
    expect(plain?.text).toBe('Have you had treatment before?\n1. Yes\n2. No');
  });
});

describe('renderReplies: plain questions and messages', () => {
  it('marks a typed question with its field and input type, without buttons', () => {
    const [activity] = render([idAsk]);
    expect(activity?.text).toBe('اكتب رقم هويتك أو إقامتك.');
    expect(activity?.channelData).toEqual({ field: 'national_id', inputType: 'nationalId' });
    expect(activity?.suggestedActions).toBeUndefined();
  });

  it('merges consecutive messages into one', () => {
    const activities = render([say('consent.thanks'), say('welcome.greeting')]);
    expect(activities).toHaveLength(1);
    expect(activities[0]?.text).toBe('شكرًا لموافقتك.\n\nأهلًا بك في إنجاب');
    expect(activities[0]?.channelData).toBeUndefined();
  });

  it('puts the messages before a question into the question', () => {
    const activities = render([say('consent.thanks'), idAsk]);
    expect(activities).toHaveLength(1);
    expect(activities[0]?.text).toBe('شكرًا لموافقتك.\n\nاكتب رقم هويتك أو إقامتك.');
    expect(activities[0]?.channelData).toMatchObject({ field: 'national_id' });
  });

  it('starts a new message after a question', () => {
    const activities = render([menuAsk, say('consent.thanks')]);
    expect(activities.map((a) => a.text)).toEqual(['وش تحتاج؟', 'شكرًا لموافقتك.']);
    expect(activities[1]?.suggestedActions).toBeUndefined();
  });

  it('fills message parameters', () => {
    const [activity] = render([say('application.submitted', { reference: 'INJ-2041' })], buttons, 'en');
    expect(activity?.text).toBe('We received your application; its number is INJ-2041.');
  });

  it('switches language in the middle of a turn', () => {
    const activities = render([say('consent.thanks'), { type: 'setLocale', locale: 'en' }, menuAsk]);
    expect(activities.map((a) => [a.locale, a.text])).toEqual([
      ['ar', 'شكرًا لموافقتك.'],
      ['en', 'What do you need?'],
    ]);
  });

  it('keeps channel data of a fixed text', () => {
    const [activity] = render([{ type: 'text', text: 'الرد خلال يومين.', channelData: { faq: { id: 'q1', score: 0.9 } } }]);
    expect(activity).toMatchObject({ type: 'message', text: 'الرد خلال يومين.', channelData: { faq: { id: 'q1', score: 0.9 } } });
  });

  it('sends nothing for nothing', () => {
    expect(render([])).toEqual([]);
  });
});

describe('long texts', () => {
  const sentence = 'تساعد الجمعية الأزواج المتأخرين عن الإنجاب في العلاج والاستشارات والدعم النفسي.';
  const long = Array.from({ length: 12 }, () => sentence).join(' ');

  it('splits a long reply into messages under the channel limit, losing no word', () => {
    const activities = render([{ type: 'text', text: long }], { ...buttons, maxTextLength: 200 });
    expect(activities.length).toBeGreaterThan(1);
    for (const a of activities) expect(a.text?.length).toBeLessThanOrEqual(200);
    expect(activities.map((a) => a.text).join(' ').split(/\s+/)).toEqual(long.split(/\s+/));
  });

  it('keeps the buttons on the last piece of a long question', () => {
    const activities = render([{ type: 'text', text: long }, menuAsk], { ...buttons, maxTextLength: 300 });
    expect(activities.length).toBeGreaterThan(1);
    expect(activities.at(-1)?.suggestedActions?.actions).toHaveLength(2);
    expect(activities.at(-1)?.channelData).toMatchObject({ field: 'menu_choice' });
    for (const a of activities.slice(0, -1)) expect(a.suggestedActions).toBeUndefined();
  });

  it('prefers a line break to a space when splitting', () => {
    const text = `${'أ'.repeat(30)}\n${'ب'.repeat(10)} ${'ج'.repeat(10)}`;
    expect(splitText(text, 45)).toEqual(['أ'.repeat(30), `${'ب'.repeat(10)} ${'ج'.repeat(10)}`]);
  });

  it('prefers a paragraph break to a line break when splitting', () => {
    const text = `${'أ'.repeat(25)}\n\n${'ب'.repeat(10)}\n${'ج'.repeat(10)}`;
    expect(splitText(text, 40)).toEqual(['أ'.repeat(25), `${'ب'.repeat(10)}\n${'ج'.repeat(10)}`]);
  });

  it('cuts a word with no space in it at the limit', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('leaves a short text whole', () => {
    expect(splitText('نعم', 10)).toEqual(['نعم']);
  });
});
