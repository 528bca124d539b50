import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { step } from '../../src/flows/engine.js';
import { initialState, type Effect, type EngineState, type StepResult } from '../../src/flows/engine-types.js';
import { Dialogue, fixtureEngine, keys } from '../helpers/engine-dialogue.js';

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'flows-engine');
const ctx = fixtureEngine(fixtureDir, ['submit_application']);
const APPLICANT_ID = '1058529940';
const SPOUSE_ID = '2000000006';

/** A dialogue on this file's fixture flows. */
const dialogue = (state?: EngineState) => new Dialogue(ctx, state);

const asked = (result: StepResult) => {
  const ask = result.effects.find((e): e is Extract<Effect, { type: 'ask' }> => e.type === 'ask');
  return ask ? { key: ask.key, field: ask.field } : null;
};

/** A dialogue whose consent is already given, so the application starts at its first question. */
function consented(): Dialogue {
  return dialogue({ ...initialState(), locale: 'ar', consent: { version: 'test-v1' } });
}

/** Answers the application up to (not including) the named question. */
function applicationUpTo(question: 'spouse_id' | 'years' | 'prior_treatment' | 'treatment_type'): Dialogue {
  const d = consented();
  d.start('application');
  const answers: [string, string][] = [
    ['spouse_id', APPLICANT_ID],
    ['years', SPOUSE_ID],
    ['prior_treatment', '6'],
    ['treatment_type', 'نعم'],
  ];
  for (const [next, answer] of answers) {
    if (d.state.frame?.step === question) break;
    d.text(answer);
    expect(d.last.outcome).toBe('accepted');
    expect(d.state.frame?.step).toBe(next);
  }
  expect(d.state.frame?.step).toBe(question);
  return d;
}

describe('flow engine: consent before personal data', () => {
  it('asks for consent first when a consent-required flow starts without consent', () => {
    const d = dialogue();
    const result = d.start('application');
    expect(result.status).toBe('waiting');
    expect(keys(result.effects)).toEqual(['ask:consent.notice']);
    expect(d.state.frame).toMatchObject({ flow: 'consent', then: 'application' });
  });

  it('records consent and goes on to the original flow after the user agrees', () => {
    const d = dialogue();
    d.start('application');
    const result = d.text('موافق');
    expect(result.outcome).toBe('accepted');
    expect(result.effects).toContainEqual({ type: 'consent', version: 'test-v1' });
    expect(keys(result.effects)).toEqual(['consent', 'say:consent.thanks', 'ask:application.national_id']);
    expect(d.state.consent).toEqual({ version: 'test-v1' });
    expect(d.state.frame).toMatchObject({ flow: 'application', step: 'national_id' });
  });

  it('accepts agreement in English too', () => {
    const d = dialogue();
    d.start('application');
    d.text('I agree');
    expect(d.state.consent).toEqual({ version: 'test-v1' });
    expect(d.state.frame?.flow).toBe('application');
  });

  it('goes to the main menu without starting the form when the user declines', () => {
    const d = dialogue();
    d.start('application');
    const result = d.text('لا');
    expect(keys(result.effects)).toEqual(['say:consent.declined', 'ask:menu.prompt']);
    expect(result.effects.some((e) => e.type === 'consent')).toBe(false);
    expect(d.state.consent).toBeNull();
    expect(d.state.frame).toMatchObject({ flow: 'main_menu', step: 'choose' });
    expect(d.state.frame?.then).toBeUndefined();
  });

  it('does not ask for consent again once it was given', () => {
    const d = consented();
    const result = d.start('application');
    expect(keys(result.effects)).toEqual(['ask:application.national_id']);
  });
});

describe('flow engine: answering questions', () => {
  it('keeps a valid national ID and moves to the next question', () => {
    const d = consented();
    d.start('application');
    const result = d.text(APPLICANT_ID);
    expect(result.outcome).toBe('accepted');
    expect(result.status).toBe('waiting');
    expect(asked(result)).toEqual({ key: 'application.spouse_id', field: 'spouse_national_id' });
    expect(d.data.national_id).toBe(APPLICANT_ID);
  });

  it('re-asks the national ID when the check digit is wrong', () => {
    const d = consented();
    d.start('application');
    const result = d.text('1012345678');
    expect(result.outcome).toBe('refused');
    expect(result.status).toBe('waiting');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.national_id_checksum', 'ask:application.national_id']);
    expect(d.state.frame?.step).toBe('national_id');
    expect(d.state.invalidCount).toBe(1);
  });

  it('says how many digits were sent when the ID is too short', () => {
    const d = consented();
    d.start('application');
    const result = d.text('10585299');
    expect(result.effects[0]).toMatchObject({ type: 'say', key: 'inputs.errors.national_id_length', params: { count: 8 } });
  });

  it("refuses a spouse ID equal to the applicant's, keeping the earlier answer", () => {
    const d = applicationUpTo('spouse_id');
    const result = d.text(APPLICANT_ID);
    expect(result.outcome).toBe('refused');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.same_as_before', 'ask:application.spouse_id']);
    expect(asked(result)?.field).toBe('spouse_national_id');
    expect(d.data.national_id).toBe(APPLICANT_ID);
    expect(d.data.spouse_national_id).toBeUndefined();
  });

  it('counts refused answers in a row and resets the count on a good answer', () => {
    const d = applicationUpTo('spouse_id');
    d.text(APPLICANT_ID);
    d.text('123');
    expect(d.state.invalidCount).toBe(2);
    d.text(SPOUSE_ID);
    expect(d.state.invalidCount).toBe(0);
    expect(d.data.spouse_national_id).toBe(SPOUSE_ID);
  });

  it('accepts Arabic-Indic digits for the ID and for numbers', () => {
    const d = consented();
    d.start('application');
    d.text('١٠٥٨٥٢٩٩٤٠');
    expect(d.data.national_id).toBe(APPLICANT_ID);
    d.text('٢٠٠٠٠٠٠٠٠٦');
    expect(d.data.spouse_national_id).toBe(SPOUSE_ID);
    d.text('٧');
    expect(d.data.years_married).toBe(7);
  });

  it('refuses a number above the maximum, naming the maximum', () => {
    const d = applicationUpTo('years');
    const result = d.text('45');
    expect(result.outcome).toBe('refused');
    expect(result.effects[0]).toMatchObject({ type: 'say', key: 'inputs.errors.number_max', params: { max: 30 } });
    expect(asked(result)?.key).toBe('application.years');
  });

  it('refuses a number below the minimum, naming the minimum', () => {
    const d = applicationUpTo('years');
    const result = d.text('0');
    expect(result.effects[0]).toMatchObject({ type: 'say', key: 'inputs.errors.number_min', params: { min: 1 } });
  });

  it('offers earlier answers as message parameters of the error', () => {
    const d = applicationUpTo('years');
    const result = d.text('ما ادري');
    expect(result.effects[0]).toMatchObject({ type: 'say', key: 'inputs.errors.number', params: { national_id: APPLICANT_ID } });
  });

  it('reads a yes/no answer as a boolean', () => {
    const d = applicationUpTo('prior_treatment');
    d.text('ايوه');
    expect(d.data.prior_treatment).toBe(true);
  });

  it('refuses an answer that is neither yes nor no', () => {
    const d = applicationUpTo('prior_treatment');
    const result = d.text('يمكن');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.yes_no', 'ask:application.prior_treatment']);
  });
});

describe('flow engine: choices and branches', () => {
  let d: Dialogue;
  beforeEach(() => {
    d = applicationUpTo('treatment_type');
  });

  it('lists the choices with the question', () => {
    const ask = d.last.effects.find((e) => e.type === 'ask');
    expect(ask).toMatchObject({
      inputType: 'choice',
      choices: [
        { value: 'ivf', label: 'application.treatment.ivf' },
        { value: 'iui', label: 'application.treatment.iui' },
        { value: 'medication', label: 'application.treatment.medication' },
      ],
    });
  });

  it('picks a choice by its number', () => {
    d.text('3');
    expect(d.data.treatment_type).toBe('medication');
  });

  it('picks a choice by its number in Arabic-Indic digits', () => {
    d.text('٢');
    expect(d.data.treatment_type).toBe('iui');
  });

  it('picks a choice by its Arabic label, however the letters are written', () => {
    d.text('التَّلقيح الصناعى');
    expect(d.data.treatment_type).toBe('iui');
  });

  it('picks a choice by its English label while the conversation is in Arabic', () => {
    d.text('Artificial Insemination');
    expect(d.data.treatment_type).toBe('iui');
  });

  it('picks a choice by one of its match words', () => {
    d.text('حقن مجهري');
    expect(d.data.treatment_type).toBe('ivf');
  });

  it('refuses a number outside the list, saying how many choices there are', () => {
    const result = d.text('7');
    expect(result.outcome).toBe('refused');
    expect(result.effects[0]).toMatchObject({ type: 'say', key: 'inputs.errors.choice', params: { count: 3 } });
  });

  it('follows the branch whose condition matches the answer', () => {
    const result = d.text('IVF');
    expect(asked(result)?.key).toBe('application.ivf_cycles');
  });

  it('falls through to the branch without a condition otherwise', () => {
    const result = d.text('علاج بالأدوية');
    expect(result.status).toBe('call');
    expect(d.state.frame?.step).toBe('submit');
  });

  it('skips the treatment questions when there was no earlier treatment', () => {
    const fresh = applicationUpTo('prior_treatment');
    const result = fresh.text('لا');
    expect(fresh.data.prior_treatment).toBe(false);
    expect(result.status).toBe('call');
    expect(fresh.state.frame?.step).toBe('submit');
  });

  it('follows a menu choice into its own flow', () => {
    const menu = consented();
    menu.start('main_menu');
    const result = menu.text('ابي اقدم');
    expect(asked(result)?.key).toBe('application.national_id');
    expect(menu.state.frame?.flow).toBe('application');
  });
});

describe('flow engine: back and reprompt', () => {
  it('returns to the previous question on back, and the old answer can be changed', () => {
    const d = applicationUpTo('years');
    const result = d.send({ kind: 'back' });
    expect(result.status).toBe('waiting');
    expect(keys(result.effects)).toEqual(['ask:application.spouse_id']);
    expect(d.state.frame?.step).toBe('spouse_id');
    d.text('1001244019');
    expect(d.data.spouse_national_id).toBe('1001244019');
    expect(d.state.frame?.step).toBe('years');
  });

  it('goes back over several questions one at a time', () => {
    const d = applicationUpTo('prior_treatment');
    d.send({ kind: 'back' });
    expect(d.state.frame?.step).toBe('years');
    d.send({ kind: 'back' });
    expect(d.state.frame?.step).toBe('spouse_id');
    d.send({ kind: 'back' });
    expect(d.state.frame?.step).toBe('national_id');
  });

  it('asks the first question again on back when there is no earlier one', () => {
    const d = consented();
    d.start('application');
    const result = d.send({ kind: 'back' });
    expect(keys(result.effects)).toEqual(['ask:application.national_id']);
    expect(d.state.frame?.step).toBe('national_id');
  });

  it('asks the current question again on reprompt, without changing any answer', () => {
    const d = applicationUpTo('years');
    const before = structuredClone(d.state);
    const result = d.send({ kind: 'reprompt' });
    expect(result.status).toBe('waiting');
    expect(result.outcome).toBe('none');
    expect(keys(result.effects)).toEqual(['ask:application.years']);
    expect(d.state).toEqual(before);
  });

  it('does nothing on reprompt when no flow is running', () => {
    const result = dialogue().send({ kind: 'reprompt' });
    expect(result.status).toBe('idle');
    expect(result.effects).toEqual([]);
  });
});

describe('flow engine: services and handoff', () => {
  it('pauses for a service call with the answers as arguments, then continues with its result', () => {
    const d = applicationUpTo('prior_treatment');
    const call = d.text('لا');
    expect(call.status).toBe('call');
    expect(call.effects).toContainEqual({
      type: 'call',
      service: 'submit_application',
      args: { nationalId: APPLICANT_ID, years: 6, channel: 'test' },
    });

    const done = d.send({ kind: 'result', value: 'INJ-2041' });
    expect(done.status).toBe('idle');
    expect(done.effects).toEqual([
      expect.objectContaining({ type: 'say', key: 'application.submitted', params: expect.objectContaining({ reference: 'INJ-2041' }) }),
    ]);
    expect(d.state.frame).toBeNull();
  });

  it('keeps waiting for the service when asked to reprompt during a call', () => {
    const d = applicationUpTo('prior_treatment');
    d.text('لا');
    const result = d.send({ kind: 'reprompt' });
    expect(result.status).toBe('call');
    expect(d.state.frame?.awaiting).toEqual({ saveAs: 'reference' });
  });

  it('hands the conversation to a person and leaves the flow idle', () => {
    const d = consented();
    d.start('main_menu');
    const result = d.text('2');
    expect(result.status).toBe('idle');
    expect(keys(result.effects)).toEqual(['say:support.transferring', 'handoff']);
    expect(result.effects).toContainEqual({ type: 'handoff', reason: 'counsellor' });
    expect(d.state.frame).toBeNull();
  });
});

describe('flow engine: purity and menus', () => {
  it('does not change the state object it is given', () => {
    const d = applicationUpTo('spouse_id');
    const given = d.state;
    const copy = structuredClone(given);
    const result = step(ctx, given, { kind: 'text', text: SPOUSE_ID });
    expect(given).toEqual(copy);
    expect(result.state).not.toBe(given);
    expect(result.state.frame?.data.spouse_national_id).toBe(SPOUSE_ID);
  });

  it('gives the same result for the same state and input', () => {
    const d = applicationUpTo('years');
    const a = step(ctx, d.state, { kind: 'text', text: '4' });
    const b = step(ctx, d.state, { kind: 'text', text: '4' });
    expect(a).toEqual(b);
  });

  it('starts the welcome flow with its greeting and then the main menu', () => {
    const result = dialogue().start('welcome');
    expect(keys(result.effects)).toEqual(['say:welcome.greeting', 'ask:menu.prompt']);
  });

  it('refuses free text on the main menu, which is marked passthrough so the bot can handle it', () => {
    const d = dialogue();
    d.start('main_menu');
    const result = d.text('كم مدة الرد على الطلب؟');
    expect(result.outcome).toBe('refused');
    expect(ctx.flows.get(d.state.frame?.flow ?? '')?.passthrough).toBe(true);
    expect(ctx.flows.get('application')?.passthrough).toBeUndefined();
  });

  it('asks for consent first when a menu choice leads to a consent-required flow', () => {
    const d = dialogue();
    d.start('main_menu');
    const result = d.text('1');
    expect(keys(result.effects)).toEqual(['ask:consent.notice']);
    expect(d.state.frame).toMatchObject({ flow: 'consent', then: 'application' });
  });

  it('refuses a file sent to a typed question and asks again', () => {
    const d = consented();
    d.start('application');
    const result = d.send({ kind: 'attachments', attachments: [{ name: 'id.jpg', contentType: 'image/jpeg' }] });
    expect(result.outcome).toBe('refused');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.not_a_file', 'ask:application.national_id']);
  });

  it('ignores a service result when nothing is waiting for one', () => {
    const result = dialogue().send({ kind: 'result', value: 'INJ-1' });
    expect(result).toMatchObject({ status: 'idle', effects: [], outcome: 'none' });
  });

  it('throws on an unknown flow', () => {
    expect(() => step(ctx, initialState(), { kind: 'start', flow: 'nope' })).toThrow(/unknown flow nope/);
  });
});
