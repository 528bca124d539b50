import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowValidationError } from '../../src/errors/flow-error.js';
import { loadFlows, type FlowCatalog } from '../../src/flows/load-flows.js';
import type { FlowSet } from '../../src/flows/schema.js';
import { VALIDATORS } from '../../src/flows/validators.js';
import { createI18n } from '../../src/i18n/i18n.js';
import { createSurveyServices } from '../../src/followups/survey-services.js';
import { createPrivacyServices } from '../../src/privacy/privacy-services.js';
import { createBookingServices } from '../../src/services/booking-services.js';
import { createCommunityServices } from '../../src/services/community-services.js';
import { createRequestServices } from '../../src/requests/request-services.js';
import { createCipher } from '../../src/security/cipher.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The three flows every folder needs, valid, so each test only adds what it breaks. */
const REQUIRED: Record<string, string> = {
  'welcome.yaml': `
id: welcome
start: greet
steps:
  greet:
    say: t.hello
    next: flow:main_menu
`,
  'main-menu.yaml': `
id: main_menu
start: choose
steps:
  choose:
    ask: t.menu
    input: choice
    choices:
      - value: again
        label: t.again
        next: flow:welcome
`,
  'consent.yaml': `
id: consent
start: notice
steps:
  notice:
    ask: t.consent
    input: yesNo
    next:
      - if: { field: notice, equals: true }
        goto: granted
      - goto: flow:main_menu
  granted:
    actions:
      - grantConsent: v1
    next: end
`,
};

const AR_MESSAGES = `
t:
  hello: أهلًا
  menu: اختر
  again: من جديد
  consent: توافق؟
  name: وش اسمك؟
  only_ar: هذه الرسالة بالعربية فقط
`;
const EN_MESSAGES = `
t:
  hello: Hello
  menu: Choose
  again: Again
  consent: Do you agree?
  name: What is your name?
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the required flows plus `extra` files into a fresh folder and loads it. */
function load(extra: Record<string, string>, services: string[] = []): FlowSet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-flows-'));
  dirs.push(dir);
  const flowsDir = path.join(dir, 'flows');
  fs.mkdirSync(flowsDir);
  for (const [name, text] of Object.entries({ ...REQUIRED, ...extra })) fs.writeFileSync(path.join(flowsDir, name), text);
  for (const [locale, text] of [['ar', AR_MESSAGES], ['en', EN_MESSAGES]] as const) {
    fs.mkdirSync(path.join(dir, 'locales', locale), { recursive: true });
    fs.writeFileSync(path.join(dir, 'locales', locale, 'messages.yaml'), text);
  }
  const catalog: FlowCatalog = {
    i18n: createI18n(path.join(dir, 'locales')),
    services: new Set(services),
    validators: new Set(Object.keys(VALIDATORS)),
  };
  return loadFlows(flowsDir, catalog);
}

/** Loads and returns the validation error (failing the test when loading succeeds). */
function loadError(extra: Record<string, string>, services: string[] = []): FlowValidationError {
  try {
    load(extra, services);
  } catch (error) {
    expect(error).toBeInstanceOf(FlowValidationError);
    return error as FlowValidationError;
  }
  throw new Error('expected the flows to be refused');
}

const form = (stepBody: string) => `
id: form
start: ask_name
steps:
  ask_name:
${stepBody
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;

describe('loadFlows', () => {
  it('loads a valid folder, keyed by flow id', () => {
    const flows = load({ 'form.yaml': form('ask: t.name\ninput: text\nnext: end') });
    expect([...flows.keys()].sort()).toEqual(['consent', 'form', 'main_menu', 'welcome']);
    expect(flows.get('form')?.steps.ask_name?.input).toBe('text');
  });

  it('names the file, the step and the unknown step a next goes to', () => {
    const error = loadError({ 'form.yaml': form('ask: t.name\ninput: text\nnext: nowhere') });
    expect(error.code).toBe('FLOW_INVALID');
    expect(error.message).toContain('form.yaml step "ask_name": goes to unknown step "nowhere"');
    expect(error.problems).toEqual([{ file: 'form.yaml', step: 'ask_name', problem: 'goes to unknown step "nowhere"' }]);
  });

  it('names the unknown flow a next goes to', () => {
    const error = loadError({ 'form.yaml': form('ask: t.name\ninput: text\nnext: flow:ghost') });
    expect(error.message).toContain('form.yaml step "ask_name": goes to unknown flow "ghost"');
  });

  it('checks branch and choice targets too', () => {
    const error = loadError({
      'form.yaml': form(`
ask: t.name
input: choice
choices:
  - value: one
    label: t.again
    next: flow:missing_flow
next:
  - if: { field: ask_name, equals: one }
    goto: missing_step
  - goto: end
`),
    });
    expect(error.message).toContain('step "ask_name": goes to unknown flow "missing_flow"');
    expect(error.message).toContain('step "ask_name": goes to unknown step "missing_step"');
  });

  it('names a locale key missing in one language, and only that language', () => {
    const error = loadError({ 'form.yaml': form('say: t.only_ar\nnext: end') });
    expect(error.message).toContain('form.yaml step "ask_name": locale key "t.only_ar" is missing in locales/en');
    expect(error.message).not.toContain('missing in locales/ar');
    expect(error.problems).toHaveLength(1);
  });

  it('names a locale key missing in both languages once per language', () => {
    const error = loadError({ 'form.yaml': form('ask: t.unknown_question\ninput: text\nnext: end') });
    expect(error.problems.map((p) => p.problem)).toEqual([
      'locale key "t.unknown_question" is missing in locales/ar',
      'locale key "t.unknown_question" is missing in locales/en',
    ]);
  });

  it('names an unknown service and lists the known ones', () => {
    const error = loadError({ 'form.yaml': form('actions:\n  - call: send_sms\nnext: end') }, ['submit_application']);
    expect(error.message).toContain('form.yaml step "ask_name": calls unknown service "send_sms" (known: submit_application)');
  });

  it('accepts a call to a known service', () => {
    const flows = load({ 'form.yaml': form('actions:\n  - call: submit_application\n    saveAs: reference\nnext: end') }, ['submit_application']);
    expect(flows.has('form')).toBe(true);
  });

  it('names an unknown validator', () => {
    const error = loadError({ 'form.yaml': form('ask: t.name\ninput: text\nvalidators: [is_polite]\nnext: end') });
    expect(error.message).toContain('step "ask_name": uses unknown validator "is_polite"');
  });

  it('names the file and line of invalid YAML', () => {
    const error = loadError({ 'broken.yaml': 'id: broken\nstart: a\nsteps:\n  a:\n    say: [t.hello\n' });
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems[0]?.file).toMatch(/^broken\.yaml:\d+$/);
    expect(error.message).toMatch(/broken\.yaml:\d+: \S/);
  });

  it('names a duplicated key in YAML', () => {
    const error = loadError({ 'form.yaml': 'id: form\nid: other\nstart: a\nsteps: {}\n' });
    expect(error.message).toMatch(/form\.yaml:\d+: .*unique/i);
  });

  it('names the file, line, step and field of a schema error', () => {
    const error = loadError({ 'form.yaml': form('ask: t.name\ninput: telephone\nnext: end') });
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem?.file).toBe('form.yaml:7');
    expect(problem?.step).toBe('ask_name');
    expect(problem?.problem).toMatch(/^input: expected one of text, number, nationalId/);
    expect(error.message).toContain('form.yaml:7 step "ask_name": input: expected one of');
  });

  it('refuses a key the schema does not know', () => {
    const error = loadError({ 'form.yaml': form('ask: t.name\ninput: text\nquestion: t.name\nnext: end') });
    expect(error.message).toMatch(/form\.yaml:\d+ step "ask_name": .*question/);
  });

  it('refuses a step that asks nothing and goes nowhere', () => {
    const error = loadError({ 'form.yaml': form('say: t.name') });
    expect(error.message).toContain('step "ask_name": needs a next');
  });

  it('refuses an input without a question and a choice input without choices', () => {
    const error = loadError({ 'form.yaml': form('input: choice\nnext: end') });
    expect(error.message).toContain('step "ask_name": has an input but no ask');
    expect(error.message).toContain('step "ask_name": a choice input needs choices');
  });

  it('loads a draft form with labels, a summary and an edit step', () => {
    const flows = load({
      'form.yaml': `
id: form
start: ask_name
draft: true
steps:
  ask_name:
    ask: t.name
    label: t.name
    input: text
    next: review
  review:
    summary: true
    ask: t.menu
    input: choice
    choices:
      - { value: again, label: t.again, next: edit_pick }
  edit_pick:
    ask: t.menu
    input: choice
    choicesFrom: answers
    returnTo: review
`,
    });
    expect(flows.get('form')).toMatchObject({ draft: true, steps: { edit_pick: { choicesFrom: 'answers', returnTo: 'review' } } });
  });

  it('refuses a choicesFrom step without a returnTo', () => {
    const error = loadError({ 'form.yaml': form('ask: t.menu\ninput: choice\nchoicesFrom: answers\nnext: end') });
    expect(error.problems).toEqual([
      { file: 'form.yaml', step: 'ask_name', problem: 'choicesFrom: answers needs returnTo (the step to come back to)' },
    ]);
  });

  it('refuses choicesFrom on an input that is not a choice', () => {
    const error = loadError({ 'form.yaml': form('ask: t.menu\ninput: text\nchoicesFrom: answers\nreturnTo: ask_name') });
    expect(error.message).toContain('step "ask_name": choicesFrom: answers is only for input: choice');
  });

  it('names the unknown step a returnTo goes back to', () => {
    const error = loadError({ 'form.yaml': form('ask: t.menu\ninput: choice\nchoicesFrom: answers\nreturnTo: nowhere') });
    expect(error.problems).toEqual([{ file: 'form.yaml', step: 'ask_name', problem: 'goes to unknown step "nowhere"' }]);
  });

  it('names a label key missing in a locale', () => {
    const error = loadError({ 'form.yaml': form('ask: t.name\nlabel: t.only_ar\ninput: text\nnext: end') });
    expect(error.problems).toEqual([{ file: 'form.yaml', step: 'ask_name', problem: 'locale key "t.only_ar" is missing in locales/en' }]);
  });

  it("names a validator's message key missing in the locales", () => {
    const error = loadError({
      'form.yaml': form('ask: t.name\ninput: text\nvalidators:\n  - { name: different_from, params: { field: other, message: t.same_name } }\nnext: end'),
    });
    expect(error.problems.map((p) => p.problem)).toEqual([
      'locale key "t.same_name" is missing in locales/ar',
      'locale key "t.same_name" is missing in locales/en',
    ]);
  });

  it('names a missing required flow', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-flows-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'welcome.yaml'), REQUIRED['welcome.yaml'] ?? '');
    const i18n = createI18n(path.join(root, 'locales'));
    expect(() => loadFlows(dir, { i18n, services: new Set(), validators: new Set() })).toThrow(/the flow "consent" is missing/);
  });

  it('names a flow id used by two files', () => {
    const error = loadError({ 'welcome-copy.yaml': REQUIRED['welcome.yaml'] ?? '' });
    expect(error.message).toContain('flow id "welcome" is used by another file too');
  });

  it('reports every problem of every file at once', () => {
    const error = loadError({
      'form.yaml': form(`
say: t.only_ar
actions:
  - call: send_sms
next: nowhere
`),
      'other.yaml': `
id: other
start: first
steps:
  first:
    say: t.hello
    next: flow:ghost
`,
      'broken.yaml': 'id: [\n',
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('flow files are invalid:');
    expect(error.problems).toHaveLength(5);
    expect(error.message).toMatch(/broken\.yaml:\d+: /);
    expect(error.message).toContain('form.yaml step "ask_name": locale key "t.only_ar" is missing in locales/en');
    expect(error.message).toContain('form.yaml step "ask_name": goes to unknown step "nowhere"');
    expect(error.message).toContain('form.yaml step "ask_name": calls unknown service "send_sms"');
    expect(error.message).toContain('other.yaml step "first": goes to unknown flow "ghost"');
    expect(lines).toHaveLength(6);
  });

  it('loads the real flows with the real locales and validators', () => {
    const i18n = createI18n(path.join(root, 'locales'));
    const services = new Set([...Object.keys(createRequestServices({ cipher: createCipher(crypto.randomBytes(32)) })), ...Object.keys(createSurveyServices()), ...Object.keys(createBookingServices({ calendar: { windows: [], capacity: 1, holidays: new Set(), daysAhead: 1 } })), ...Object.keys(createCommunityServices()), ...Object.keys(createPrivacyServices({ i18n, flows: () => new Map() }))]);
    const flows = loadFlows(path.join(root, 'flows'), { i18n, services, validators: new Set(Object.keys(VALIDATORS)) });
    for (const id of ['welcome', 'main_menu', 'consent', 'support_request', 'documents', 'request_status', 'survey', 'booking', 'volunteer', 'feedback']) expect(flows.has(id)).toBe(true);
    expect(flows.get('main_menu')?.passthrough).toBe(true);
  });
});
