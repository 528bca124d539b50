import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Effect, EngineState, StepResult } from '../../src/flows/engine-types.js';
import { Dialogue, fixtureEngine, keys } from '../helpers/engine-dialogue.js';

// The draft-form features (summary, edit from the summary, cancel and resume overlays, optional
// questions, service results, refusal offers), driven through `step()` alone: no I/O.
const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'flows-forms');
const ctx = fixtureEngine(fixtureDir, ['submit_application', 'find_open_request']);
type Ask = Extract<Effect, { type: 'ask' }>;
type Summary = Extract<Effect, { type: 'summary' }>;

/** A dialogue on this file's fixture flows. */
const dialogue = (state?: EngineState) => new Dialogue(ctx, state);

const askOf = (result: StepResult): Ask | undefined => result.effects.find((e): e is Ask => e.type === 'ask');
const summaryOf = (result: StepResult): Summary | undefined => result.effects.find((e): e is Summary => e.type === 'summary');
const summaryFields = (result: StepResult) => summaryOf(result)?.items.map((i) => `${i.field}=${String(i.value)}`);

type Question = 'applicant_name' | 'children' | 'note' | 'treatment' | 'attempts' | 'income';

/** The answers a typical applicant gives; a test overrides the ones it is about. */
const ANSWERS: Record<Question, string> = {
  applicant_name: 'سارة أحمد',
  children: '2',
  note: 'نفضل التواصل مساءً',
  treatment: 'IVF',
  attempts: '3',
  income: '8000',
};

/** Starts the application and answers it (with `answers` over the defaults) up to `stop`, the summary by default. */
function application(answers: Partial<Record<Question, string>> = {}, stop = 'review'): Dialogue {
  const d = dialogue();
  d.start('application');
  for (let guard = 0; d.at !== stop; guard += 1) {
    const question = d.at as Question;
    const answer = answers[question] ?? ANSWERS[question];
    if (answer === undefined || guard > 10) throw new Error(`no answer for ${String(d.at)} on the way to ${stop}`);
    d.text(answer);
    expect(d.last.outcome).toBe('accepted');
  }
  return d;
}

/** At the summary, asks to change an answer and picks it. */
function edit(d: Dialogue, pick: string): StepResult {
  d.text('Change an answer');
  expect(d.at).toBe('edit_pick');
  return d.text(pick);
}

describe('flow engine forms: summary', () => {
  it('lists every labelled answer on the path taken, in order, with its label and input type', () => {
    const d = application();
    expect(keys(d.last.effects)).toEqual(['say:application.review.intro', 'summary', 'ask:application.review.ask']);
    expect(summaryOf(d.last)?.items).toEqual([
      { field: 'applicant_name', label: 'application.fields.applicant_name', inputType: 'text', value: 'سارة أحمد' },
      { field: 'children', label: 'application.fields.children', inputType: 'number', value: 2 },
      { field: 'treatment', label: 'application.fields.treatment', inputType: 'choice', value: 'ivf', choiceLabel: 'application.treatment.ivf' },
      { field: 'attempts', label: 'application.fields.attempts', inputType: 'number', value: 3 },
      { field: 'income', label: 'application.fields.income', inputType: 'number', value: 8000 },
    ]);
  });

  it('leaves out an unlabelled question even though it was answered', () => {
    const d = application();
    expect(d.data.note).toBe('نفضل التواصل مساءً');
    expect(summaryOf(d.last)?.items.map((i) => i.field)).not.toContain('note');
  });

  it('leaves out a question the chosen branch skipped', () => {
    const d = application({ treatment: 'No treatment' });
    expect(summaryFields(d.last)).toEqual(['applicant_name=سارة أحمد', 'children=2', 'treatment=none', 'income=8000']);
    expect(summaryOf(d.last)?.items[2]).toMatchObject({ choiceLabel: 'application.treatment.none' });
  });
});

describe('flow engine forms: the path taken, not leftover answers', () => {
  it('drops an answer from the summary when an edit changes the branch that led to it', () => {
    const d = application();
    edit(d, 'Previous treatment');
    const result = d.text('No treatment');
    expect(d.at).toBe('review');
    expect(summaryFields(result)).toEqual(['applicant_name=سارة أحمد', 'children=2', 'treatment=none', 'income=8000']);
  });

  it('submits only the labelled answers on the path taken as $answers', () => {
    const d = application();
    edit(d, 'Previous treatment');
    d.text('No treatment');
    expect(d.data.attempts).toBe(3);
    const call = d.text('Confirm and send');
    expect(call.status).toBe('call');
    expect(call.effects).toEqual([
      {
        type: 'call',
        service: 'submit_application',
        args: {
          answers: { applicant_name: 'سارة أحمد', children: 2, treatment: 'none', income: 8000 },
          name: 'سارة أحمد',
        },
      },
    ]);
  });

  it('submits the skipped question again once the branch leads back to it', () => {
    const d = application();
    const call = d.text('1');
    expect(call.effects[0]).toMatchObject({
      type: 'call',
      args: { answers: { applicant_name: 'سارة أحمد', children: 2, treatment: 'ivf', attempts: 3, income: 8000 } },
    });
  });
});

describe('flow engine forms: editing an answer from the summary', () => {
  it('offers the labelled answered questions as choices, by step id and label', () => {
    const d = application();
    const result = d.text('2');
    expect(askOf(result)).toMatchObject({
      key: 'application.edit.ask',
      field: 'edit_field',
      inputType: 'choice',
      choices: [
        { value: 'applicant_name', label: 'application.fields.applicant_name' },
        { value: 'children', label: 'application.fields.children' },
        { value: 'treatment', label: 'application.fields.treatment' },
        { value: 'attempts', label: 'application.fields.attempts' },
        { value: 'income', label: 'application.fields.income' },
      ],
    });
  });

  it('asks the picked question again when it is picked by its number', () => {
    const d = application();
    const result = edit(d, '2');
    expect(keys(result.effects)).toEqual(['ask:application.ask.children']);
    expect(d.at).toBe('children');
  });

  it('asks the picked question again when it is picked by its label, in either language', () => {
    const english = application();
    expect(keys(edit(english, 'number of children').effects)).toEqual(['ask:application.ask.children']);
    const arabic = application();
    expect(keys(edit(arabic, 'الدخل الشهري').effects)).toEqual(['ask:application.ask.income']);
  });

  it('goes straight back to the summary with the new value, without asking the later questions again', () => {
    const d = application();
    edit(d, 'Number of children');
    const result = d.text('4');
    expect(result.outcome).toBe('accepted');
    expect(keys(result.effects)).toEqual(['say:application.review.intro', 'summary', 'ask:application.review.ask']);
    expect(summaryFields(result)).toEqual(['applicant_name=سارة أحمد', 'children=4', 'treatment=ivf', 'attempts=3', 'income=8000']);
    expect(d.at).toBe('review');
    expect(d.state.frame?.editing).toBeUndefined();
    expect(d.data.note).toBe('نفضل التواصل مساءً');
  });

  it('asks a question the change newly opens, then goes back to the summary', () => {
    const d = application({ treatment: 'No treatment' });
    edit(d, 'Previous treatment');
    const opened = d.text('IVF');
    expect(keys(opened.effects)).toEqual(['ask:application.ask.attempts']);
    const back = d.text('5');
    expect(keys(back.effects)).toEqual(['say:application.review.intro', 'summary', 'ask:application.review.ask']);
    expect(summaryFields(back)).toEqual(['applicant_name=سارة أحمد', 'children=2', 'treatment=ivf', 'attempts=5', 'income=8000']);
  });

  it('keeps asking the edited question after a refused answer, and still returns to the summary', () => {
    const d = application();
    edit(d, 'Number of children');
    const refused = d.text('كثير');
    expect(refused.outcome).toBe('refused');
    expect(keys(refused.effects)).toEqual(['say:inputs.errors.number', 'ask:application.ask.children']);
    const result = d.text('1');
    expect(d.at).toBe('review');
    expect(summaryFields(result)).toContain('children=1');
  });

  it('can change a second answer after the first', () => {
    const d = application();
    edit(d, 'Name');
    d.text('نورة محمد');
    edit(d, 'Monthly income');
    const result = d.text('9000');
    expect(summaryFields(result)).toEqual(['applicant_name=نورة محمد', 'children=2', 'treatment=ivf', 'attempts=3', 'income=9000']);
  });
});

describe('flow engine forms: cancelling a draft', () => {
  /** The application with its first answer given, waiting at the number of children. */
  const started = () => application({}, 'children');

  it('asks for confirmation before deleting the answers, keeping the form', () => {
    const d = started();
    const result = d.send({ kind: 'cancel' });
    expect(result.status).toBe('waiting');
    expect(result.effects).toEqual([
      {
        type: 'ask',
        key: 'form.cancel_confirm.ask',
        params: { applicant_name: 'سارة أحمد' },
        inputType: 'choice',
        field: 'confirm_cancel',
        choices: [
          { value: 'cancel_yes', label: 'form.cancel_confirm.yes' },
          { value: 'cancel_no', label: 'form.cancel_confirm.no' },
        ],
        optional: false,
      },
    ]);
    expect(d.state.frame).toMatchObject({ flow: 'application', step: 'children', data: { applicant_name: 'سارة أحمد' } });
    expect(d.state.overlay).toEqual({ kind: 'cancel' });
  });

  it.each([['1'], ['نعم'], ['yes'], ['Yes, cancel it'], ['نعم، ألغِ الطلب']])('cancels and deletes the answers when confirmed with "%s"', (text) => {
    const d = started();
    d.send({ kind: 'cancel' });
    const result = d.text(text);
    expect(result.outcome).toBe('accepted');
    expect(result.status).toBe('idle');
    expect(result.effects).toEqual([{ type: 'cancelled', flow: 'application' }]);
    expect(d.state.frame).toBeNull();
    expect(d.state.overlay).toBeUndefined();
  });

  it.each([['2'], ['لا'], ['No, continue']])('keeps the answers and asks the open question again when declined with "%s"', (text) => {
    const d = started();
    d.send({ kind: 'cancel' });
    const result = d.text(text);
    expect(result.status).toBe('waiting');
    expect(keys(result.effects)).toEqual(['say:form.cancel_confirm.kept', 'ask:application.ask.children']);
    expect(d.data).toEqual({ applicant_name: 'سارة أحمد' });
    expect(d.at).toBe('children');
    expect(d.state.overlay).toBeUndefined();
  });

  it('reads any other text as the answer to the open question, closing the confirmation', () => {
    const d = started();
    d.send({ kind: 'cancel' });
    const result = d.text('3');
    expect(result.outcome).toBe('accepted');
    expect(keys(result.effects)).toEqual(['ask:application.ask.note']);
    expect(d.data.children).toBe(3);
    expect(d.state.overlay).toBeUndefined();
  });

  it('cancels when asked to cancel again while the confirmation is open', () => {
    const d = started();
    d.send({ kind: 'cancel' });
    const result = d.send({ kind: 'cancel' });
    expect(result.effects).toEqual([{ type: 'cancelled', flow: 'application' }]);
    expect(d.state.frame).toBeNull();
  });

  it('shows the confirmation again on reprompt while it is open', () => {
    const d = started();
    d.send({ kind: 'cancel' });
    const result = d.send({ kind: 'reprompt' });
    expect(keys(result.effects)).toEqual(['ask:form.cancel_confirm.ask']);
  });

  it('asks for confirmation when answers remain after going back to the first question', () => {
    const d = started();
    d.send({ kind: 'back' });
    expect(d.data).toEqual({ applicant_name: 'سارة أحمد' });
    const result = d.send({ kind: 'cancel' });
    expect(keys(result.effects)).toEqual(['ask:form.cancel_confirm.ask']);
  });

  it('cancels a draft at once when nothing has been answered yet', () => {
    const d = dialogue();
    d.start('application');
    const result = d.send({ kind: 'cancel' });
    expect(result.status).toBe('idle');
    expect(result.effects).toEqual([{ type: 'cancelled', flow: 'application' }]);
    expect(d.state.frame).toBeNull();
  });

  it('cancels a flow that is not a draft at once, even with answers', () => {
    const d = dialogue();
    d.start('city_check');
    d.text('الدمام');
    expect(d.at).toBe('age');
    const result = d.send({ kind: 'cancel' });
    expect(result.effects).toEqual([{ type: 'cancelled', flow: 'city_check' }]);
    expect(d.state.frame).toBeNull();
    expect(d.state.overlay).toBeUndefined();
  });

  it('does nothing when no flow is running', () => {
    const result = dialogue().send({ kind: 'cancel' });
    expect(result).toMatchObject({ status: 'idle', effects: [] });
  });
});

describe('flow engine forms: offering to resume a draft', () => {
  const started = () => application({}, 'note');

  it('asks whether to continue or start again', () => {
    const d = started();
    const result = d.send({ kind: 'offerResume' });
    expect(result.status).toBe('waiting');
    expect(askOf(result)).toMatchObject({
      key: 'form.resume.ask',
      field: 'resume',
      inputType: 'choice',
      choices: [
        { value: 'resume_continue', label: 'form.resume.continue' },
        { value: 'resume_restart', label: 'form.resume.restart' },
      ],
    });
    expect(d.state.overlay).toEqual({ kind: 'resume' });
  });

  it.each([['2'], ['Start again'], ['أبدأ من جديد']])('starts the same flow again with no answers on "%s"', (text) => {
    const d = started();
    d.send({ kind: 'offerResume' });
    const result = d.text(text);
    expect(result.outcome).toBe('accepted');
    expect(keys(result.effects)).toEqual(['say:form.resume.restarted', 'say:application.intro', 'ask:application.ask.applicant_name']);
    expect(d.state.frame).toMatchObject({ flow: 'application', step: 'applicant_name', data: {}, history: [] });
    expect(d.state.overlay).toBeUndefined();
  });

  it.each([['1'], ['Continue where I stopped']])('asks the open question again with the answers kept on "%s"', (text) => {
    const d = started();
    d.send({ kind: 'offerResume' });
    const result = d.text(text);
    expect(keys(result.effects)).toEqual(['ask:application.ask.note']);
    expect(d.data).toEqual({ applicant_name: 'سارة أحمد', children: 2 });
    expect(d.at).toBe('note');
  });

  it('just asks the open question again in a flow that is not a draft', () => {
    const d = dialogue();
    d.start('city_check');
    d.text('الخبر');
    const result = d.send({ kind: 'offerResume' });
    expect(keys(result.effects)).toEqual(['ask:city_check.ask.age']);
    expect(d.state.overlay).toBeUndefined();
  });

  it('just asks the first question again when the draft has no answers yet', () => {
    const d = dialogue();
    d.start('application');
    const result = d.send({ kind: 'offerResume' });
    expect(keys(result.effects)).toEqual(['ask:application.ask.applicant_name']);
    expect(d.state.overlay).toBeUndefined();
  });
});

describe('flow engine forms: optional questions', () => {
  it('takes a skip word as no answer and moves on', () => {
    const d = application({}, 'note');
    expect(askOf(d.last)).toMatchObject({ key: 'application.ask.note', optional: true });
    const result = d.text('لاحقًا');
    expect(result.outcome).toBe('accepted');
    expect(d.data.note).toBeNull();
    expect(keys(result.effects)).toEqual(['ask:application.ask.treatment']);
  });

  it('shows a skipped labelled question in the summary with no value', () => {
    const d = application({ income: 'skip' });
    expect(summaryOf(d.last)?.items.at(-1)).toEqual({ field: 'income', label: 'application.fields.income', inputType: 'number', value: null });
  });

  it('refuses the same skip word on a question that is not optional', () => {
    const d = application({}, 'children');
    expect(askOf(d.last)?.optional).toBe(false);
    const result = d.text('later');
    expect(result.outcome).toBe('refused');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.number', 'ask:application.ask.children']);
    expect(d.data).not.toHaveProperty('children');
  });
});

describe('flow engine forms: service results', () => {
  /** The lookup flow waiting for the service with `nationalId` asked. */
  function lookingUp(nationalId = '1058529940'): Dialogue {
    const d = dialogue();
    d.start('lookup');
    const call = d.text(nationalId);
    expect(call.status).toBe('call');
    expect(call.effects).toEqual([{ type: 'call', service: 'find_open_request', args: { national_id: nationalId } }]);
    return d;
  }

  it('saves an object result and each of its parts as <saveAs>_<key>', () => {
    const d = lookingUp();
    const result = d.send({ kind: 'result', value: { state: 'x', reference: 'r' } });
    expect(d.data).toMatchObject({ found: { state: 'x', reference: 'r' }, found_state: 'x', found_reference: 'r' });
    expect(result.effects[0]).toMatchObject({ type: 'say', key: 'lookup.found', params: { found_reference: 'r' } });
  });

  it('removes the old parts when a later result is null, and takes the "does not exist" branch', () => {
    const d = lookingUp();
    d.send({ kind: 'result', value: { state: 'x', reference: 'r' } });
    d.text('2000000006');
    const result = d.send({ kind: 'result', value: null });
    expect(d.data.found).toBeNull();
    expect(d.data).not.toHaveProperty('found_state');
    expect(d.data).not.toHaveProperty('found_reference');
    expect(keys(result.effects)).toEqual(['say:lookup.none', 'ask:lookup.again']);
    expect(d.at).toBe('not_found');
  });

  it('stores an undefined result as null, which counts as absent', () => {
    const d = lookingUp();
    d.send({ kind: 'result', value: undefined });
    expect(d.data.found).toBeNull();
    expect(d.at).toBe('not_found');
  });

  it('drops a part the new object result no longer has', () => {
    const d = lookingUp();
    d.send({ kind: 'result', value: { state: 'x', reference: 'r' } });
    d.text('2000000006');
    d.send({ kind: 'result', value: { state: 'y' } });
    expect(d.data).toMatchObject({ found: { state: 'y' }, found_state: 'y' });
    expect(d.data).not.toHaveProperty('found_reference');
    expect(d.at).toBe('found_one');
  });
});

describe('flow engine forms: refusal offers and the stuck hint', () => {
  it('adds the reader’s offers to the repeated question', () => {
    const d = dialogue();
    d.start('city_check');
    const result = d.text('الرياض');
    expect(result.outcome).toBe('refused');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.city_outside', 'ask:city_check.ask.city']);
    expect(askOf(result)?.offers).toEqual(['offers.stop', 'offers.human']);
  });

  it('repeats a question refused once without offers when the reader gave none', () => {
    const d = dialogue();
    d.start('city_check');
    const result = d.text('مدينة الأحلام');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.city_unknown', 'ask:city_check.ask.city']);
    expect(askOf(result)).not.toHaveProperty('offers');
  });

  it('says the question seems unclear and offers a person after a second refusal in a row', () => {
    const d = dialogue();
    d.start('city_check');
    d.text('الدمام');
    d.text('كبير');
    const result = d.text('ما ادري');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.number', 'say:form.stuck', 'ask:city_check.ask.age']);
    expect(askOf(result)?.offers).toEqual(['offers.human']);
    expect(d.state.invalidCount).toBe(2);
  });

  it('keeps the reader’s offers next to the person after a second refusal, without a duplicate', () => {
    const d = dialogue();
    d.start('city_check');
    d.text('مدينة الأحلام');
    const result = d.text('الرياض');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.city_outside', 'say:form.stuck', 'ask:city_check.ask.city']);
    expect(askOf(result)?.offers).toEqual(['offers.stop', 'offers.human']);
  });

  it('forgets earlier refusals once an answer is accepted', () => {
    const d = dialogue();
    d.start('city_check');
    d.text('مدينة الأحلام');
    d.text('الدمام');
    const result = d.text('كبير');
    expect(keys(result.effects)).toEqual(['say:inputs.errors.number', 'ask:city_check.ask.age']);
    expect(askOf(result)).not.toHaveProperty('offers');
  });
});

describe('flow engine forms: starting with data', () => {
  it('seeds the new frame with the data it is started with', () => {
    const d = dialogue();
    const result = d.start('application', { trigger_text: 'x' });
    expect(d.state.frame).toMatchObject({ flow: 'application', step: 'applicant_name', data: { trigger_text: 'x' }, history: [] });
    expect(askOf(result)?.params).toEqual({ trigger_text: 'x' });
  });

  it('keeps seeded data out of the summary and the submitted answers', () => {
    const d = dialogue();
    d.start('application', { trigger_text: 'x' });
    for (const question of ['applicant_name', 'children', 'note', 'treatment', 'attempts', 'income'] as const) d.text(ANSWERS[question]);
    expect(summaryOf(d.last)?.items.map((i) => i.field)).not.toContain('trigger_text');
    const call = d.text('Confirm and send');
    expect(call.effects[0]).toMatchObject({ type: 'call', args: { answers: expect.not.objectContaining({ trigger_text: 'x' }) } });
    expect(d.data.trigger_text).toBe('x');
  });

  it('does not count seeded data as answers when cancelling', () => {
    const d = dialogue();
    d.start('application', { trigger_text: 'x' });
    const result = d.send({ kind: 'cancel' });
    expect(result.effects).toEqual([{ type: 'cancelled', flow: 'application' }]);
  });
});

describe('a flow the bot starts in the middle of another', () => {
  it('comes back to the interrupted question with every answer kept once it ends', () => {
    const d = application({}, 'treatment');
    const before = structuredClone(d.data);
    d.send({ kind: 'start', flow: 'rate', suspend: true });
    expect(d.at).toBe('score');
    d.text('⭐⭐⭐⭐');
    expect(d.data['score']).toBe(4);
    const back = d.text('skip');
    expect(keys(back.effects)).toEqual(['say:rate.thanks', 'say:form.back_to_form', 'ask:application.ask.treatment']);
    expect(d.at).toBe('treatment');
    expect(d.data).toEqual(before);
  });

  it('comes back as well when the beneficiary cancels the interrupting flow', () => {
    const d = application({}, 'treatment');
    d.send({ kind: 'start', flow: 'rate', suspend: true });
    const back = d.send({ kind: 'cancel' });
    expect(keys(back.effects)).toContain('ask:application.ask.treatment');
    expect(d.at).toBe('treatment');
  });

  it('forgets the interrupted flow when the beneficiary starts another one themselves', () => {
    const d = application({}, 'treatment');
    d.send({ kind: 'start', flow: 'rate', suspend: true });
    d.start('lookup');
    expect(d.state.suspended).toBeUndefined();
  });
});
