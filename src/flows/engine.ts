import type { MessageParams } from '../i18n/i18n.js';
import { normalizeArabic } from '../text/normalize.js';
import type {
  Effect,
  EngineInput,
  EngineState,
  Frame,
  ParseContext,
  ParseResult,
  StepResult,
  StepStatus,
  InputOutcome,
} from './engine-types.js';
import { answeredPath, answersOf, fieldOf, isAnswered, labelledAnswers, nextTarget, summaryItems } from './answers.js';
import type { ChoiceOption, Overlay } from './engine-types.js';
import { INPUT_READERS, readAttachments } from './inputs.js';
import type { Flow, FlowNext, FlowSet, FlowStep } from './schema.js';
import { VALIDATORS } from './validators.js';

/** What the engine needs besides the flows: pure lookups, no I/O. */
export type EngineContext = {
  flows: FlowSet;
  /** Normalized words of a locale key in every language (labels, `|`-separated word lists). */
  words(key: string): string[];
  /** The clock (epoch ms) readers use for relative dates; default `Date.now`. */
  now?: () => number;
};

/** Guards against a flow that loops through steps without asking anything. */
const MAX_STEPS_PER_TURN = 50;

/**
 * The flow engine: a pure step function. Given the conversation's state and one input it returns the
 * next state and the effects (messages to say, a question to ask, a service to call, a handoff) that
 * the runtime performs. It never does I/O, so a whole dialogue can be tested without a server.
 */
export function step(ctx: EngineContext, state: EngineState, input: EngineInput): StepResult {
  const run = new Run(ctx, structuredClone(state));
  return run.handle(input);
}

class Run {
  private readonly effects: Effect[] = [];
  private outcome: InputOutcome = 'none';
  private budget = MAX_STEPS_PER_TURN;

  constructor(
    private readonly ctx: EngineContext,
    private readonly state: EngineState,
  ) {}

  handle(input: EngineInput): StepResult {
    switch (input.kind) {
      case 'start':
        delete this.state.overlay;
        if (input.suspend && this.state.frame && !this.flow(this.state.frame.flow).passthrough) this.state.suspended = this.state.frame;
        else if (!input.suspend) delete this.state.suspended;
        return this.finish(this.startFlow(input.flow, undefined, input.data));
      case 'reprompt':
        return this.finish(this.reask());
      case 'back':
        delete this.state.overlay;
        return this.finish(this.back());
      case 'result':
        return this.finish(this.resume(input.value));
      case 'cancel':
        return this.finish(this.cancel());
      case 'offerResume':
        return this.finish(this.offerResume());
      case 'text':
        if (this.state.overlay) {
          const handled = this.answerOverlay(this.state.overlay, input.text);
          if (handled) return this.finish(handled);
        }
        return this.finish(this.answer((step) => this.read(step, input.text)));
      case 'attachments':
        delete this.state.overlay;
        return this.finish(this.answer((step) => (step.input === 'attachment' ? readAttachments(input.attachments) : { ok: false, error: 'inputs.errors.not_a_file' })));
    }
  }

  private finish(status: StepStatus): StepResult {
    if (status === 'idle') this.state.frame = null;
    if (status === 'idle' && this.state.suspended) status = this.comeBack(this.state.suspended);
    return { state: this.state, effects: this.effects, status, outcome: this.outcome };
  }

  /** Back to the flow a bot-started one interrupted: says so, then asks its question again. */
  private comeBack(frame: Frame): StepStatus {
    delete this.state.suspended;
    this.state.frame = frame;
    this.state.invalidCount = 0;
    this.effects.push({ type: 'say', key: 'form.back_to_form', params: {} });
    const status = this.reask();
    if (status === 'idle') this.state.frame = null;
    return status;
  }

  private flow(id: string): Flow {
    const flow = this.ctx.flows.get(id);
    if (!flow) throw new Error(`unknown flow ${id}`);
    return flow;
  }

  private current(): { frame: Frame; step: FlowStep } | null {
    const frame = this.state.frame;
    if (!frame) return null;
    const stepDef = this.flow(frame.flow).steps[frame.step];
    return stepDef ? { frame, step: stepDef } : null;
  }

  private startFlow(id: string, then: string | undefined, data: Record<string, unknown> = {}): StepStatus {
    const flow = this.flow(id);
    if (flow.consent && !this.state.consent && id !== 'consent') return this.startFlow('consent', id);
    this.state.frame = { flow: id, step: flow.start, data: { ...data }, history: [], pc: 0, ...(then ? { then } : {}) };
    this.state.invalidCount = 0;
    return this.enter();
  }

  /** Runs the current step from its next action: actions, then say, then ask or move on. */
  private enter(): StepStatus {
    const here = this.current();
    if (!here) return 'idle';
    if (--this.budget < 0) throw new Error(`flow ${here.frame.flow} moved ${MAX_STEPS_PER_TURN} steps without asking anything`);
    const { frame, step: def } = here;
    if (frame.editing && this.skipWhileEditing(frame, def)) return this.enter();
    const actions = def.actions ?? [];
    for (; frame.pc < actions.length; ) {
      const action = actions[frame.pc]!;
      frame.pc += 1;
      if ('set' in action) Object.assign(frame.data, action.set);
      else if ('setLocale' in action) {
        const locale = action.setLocale === 'other' ? (this.state.locale === 'en' ? 'ar' : 'en') : action.setLocale;
        this.state.locale = locale;
        this.effects.push({ type: 'setLocale', locale });
      } else if ('grantConsent' in action) {
        this.state.consent = { version: action.grantConsent };
        this.effects.push({ type: 'consent', version: action.grantConsent });
      } else if ('handoff' in action) {
        this.say(def);
        this.effects.push({ type: 'handoff', reason: action.handoff });
        return 'idle';
      } else {
        frame.awaiting = { saveAs: action.saveAs ?? null };
        this.effects.push({ type: 'call', service: action.call, args: this.resolveArgs(action.args ?? {}, frame) });
        return 'call';
      }
    }
    this.say(def);
    if (def.summary) this.effects.push({ type: 'summary', items: summaryItems(this.flow(frame.flow), frame.data) });
    if (def.input) {
      this.emitAsk(frame, def);
      return 'waiting';
    }
    return this.go(this.nextOf(def.next, frame));
  }

  /**
   * While one answer is being changed, a later question that already has its answer is not asked
   * again: the beneficiary goes straight back to the summary. Questions the change newly opens (the
   * number of attempts after choosing a treatment) are asked. Returns true when it moved.
   */
  private skipWhileEditing(frame: Frame, def: FlowStep): boolean {
    const editing = frame.editing;
    if (!editing) return false;
    if (frame.step === editing.returnTo) {
      delete frame.editing;
      return false;
    }
    if (!def.input || frame.step === editing.step || frame.pc > 0 || !isAnswered(frame.data[fieldOf(frame.step, def)])) return false;
    frame.step = editing.returnTo;
    frame.pc = 0;
    return true;
  }

  private say(def: FlowStep): void {
    const params = this.params();
    for (const key of [def.say ?? []].flat()) this.effects.push({ type: 'say', key, params });
  }

  private emitAsk(frame: Frame, def: FlowStep, offers: string[] = []): void {
    if (!def.ask || !def.input) return;
    this.effects.push({
      type: 'ask',
      key: def.ask,
      params: this.params(),
      inputType: def.input,
      field: def.field ?? frame.step,
      choices: this.choicesOf(frame, def),
      optional: def.optional ?? false,
      ...(offers.length > 0 ? { offers } : {}),
    });
  }

  /** A step's choices; for `choicesFrom: answers`, the labelled questions answered so far. */
  private choicesOf(frame: Frame, def: FlowStep): ChoiceOption[] {
    if (def.choicesFrom === 'answers') {
      return labelledAnswers(this.flow(frame.flow), frame.data).map((a) => ({ value: a.id, label: a.step.label ?? a.field }));
    }
    if (def.choicesFrom) return computedChoices(frame.data[def.choicesFrom.slice(1)]);
    return (def.choices ?? []).map((c) => ({ value: c.value, label: c.label }));
  }

  /**
   * Stores a service's result. An object result is also spread into `<saveAs>_<key>` fields, so
   * branches and messages can use its parts (`existing_reference`); stale parts are removed first.
   */
  private resume(value: unknown): StepStatus {
    const frame = this.state.frame;
    if (!frame?.awaiting) return frame ? 'waiting' : 'idle';
    const saveAs = frame.awaiting.saveAs;
    if (saveAs) {
      for (const key of Object.keys(frame.data)) if (key.startsWith(`${saveAs}_`)) delete frame.data[key];
      frame.data[saveAs] = value ?? null;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, part] of Object.entries(value)) frame.data[`${saveAs}_${key}`] = part;
      }
    }
    delete frame.awaiting;
    return this.enter();
  }

  /** "Cancel": a draft flow with answers asks first; anything else stops at once. */
  private cancel(): StepStatus {
    const frame = this.state.frame;
    if (!frame) return 'idle';
    const confirmFirst = this.flow(frame.flow).draft === true && this.hasAnswers(frame) && this.state.overlay?.kind !== 'cancel';
    if (confirmFirst) return this.openOverlay({ kind: 'cancel' });
    delete this.state.overlay;
    this.effects.push({ type: 'cancelled', flow: frame.flow });
    return 'idle';
  }

  private offerResume(): StepStatus {
    const frame = this.state.frame;
    if (!frame || frame.awaiting || this.flow(frame.flow).draft !== true || !this.hasAnswers(frame)) return this.reask();
    return this.openOverlay({ kind: 'resume' });
  }

  /** Answers given in this run (still there after "back", which only moves the question). */
  private hasAnswers(frame: Frame): boolean {
    return answeredPath(this.flow(frame.flow), frame.data).length > 0;
  }

  private openOverlay(overlay: Overlay): StepStatus {
    this.state.overlay = overlay;
    this.emitOverlay(overlay);
    return 'waiting';
  }

  private emitOverlay(overlay: Overlay): void {
    const [key, field, choices] = OVERLAYS[overlay.kind];
    this.effects.push({ type: 'ask', key, params: this.params(), inputType: 'choice', field, choices, optional: false });
  }

  /**
   * The answer to an overlay question. Anything that is not one of its choices closes the overlay
   * and is read as the answer to the flow's own question (returns null), so nothing typed is lost.
   */
  private answerOverlay(overlay: Overlay, text: string): StepStatus | null {
    const [, , choices] = OVERLAYS[overlay.kind];
    const parseCtx: ParseContext = { words: (key) => this.ctx.words(key), data: {}, now: this.ctx.now ?? Date.now };
    const read = INPUT_READERS.choice?.(text, { choices }, parseCtx);
    const yesNo = INPUT_READERS.yesNo?.(text, {}, parseCtx);
    // "yes" means the first choice (cancel / continue); "no" only says "don't cancel" — a bare "no"
    // to "welcome back" must not wipe a draft, so restarting takes its own button or words.
    const byYesNo = yesNo?.ok ? (yesNo.value ? choices[0]?.value : overlay.kind === 'cancel' ? choices[1]?.value : undefined) : undefined;
    const picked = read?.ok ? read.value : byYesNo;
    delete this.state.overlay;
    if (picked === undefined) return null;
    this.outcome = 'accepted';
    const frame = this.state.frame;
    if (!frame) return 'idle';
    if (picked === 'cancel_yes') {
      this.effects.push({ type: 'cancelled', flow: frame.flow });
      return 'idle';
    }
    if (picked === 'resume_restart') {
      this.effects.push({ type: 'say', key: 'form.resume.restarted', params: {} });
      return this.startFlow(frame.flow, frame.then, {});
    }
    if (picked === 'cancel_no') this.effects.push({ type: 'say', key: 'form.cancel_confirm.kept', params: {} });
    return this.reask();
  }

  private answer(read: (step: FlowStep) => ParseResult): StepStatus {
    const here = this.current();
    if (!here || !here.step.input || here.frame.awaiting) return here ? 'waiting' : 'idle';
    const { frame, step: def } = here;
    const result = this.validate(read(def), def, frame);
    if (!result.ok) {
      this.outcome = 'refused';
      this.state.invalidCount += 1;
      this.effects.push({ type: 'say', key: def.invalid ?? result.error, params: { ...this.params(), ...result.params } });
      // Twice wrong in a row: the procedure may be unclear, so a social researcher is offered (policy, step 3).
      const stuck = this.state.invalidCount >= 2;
      if (stuck) this.effects.push({ type: 'say', key: 'form.stuck', params: {} });
      this.emitAsk(frame, def, [...new Set([...(result.offers ?? []), ...(stuck ? ['offers.human'] : [])])]);
      return 'waiting';
    }
    this.outcome = 'accepted';
    this.state.invalidCount = 0;
    frame.data[fieldOf(frame.step, def)] = result.value;
    frame.history.push(frame.step);
    if (def.choicesFrom === 'answers' && typeof result.value === 'string') {
      frame.editing = { step: result.value, returnTo: def.returnTo ?? frame.step };
      return this.go(result.value);
    }
    const chosen = def.input === 'choice' ? def.choices?.find((c) => c.value === result.value) : undefined;
    return this.go(chosen?.next ?? this.nextOf(def.next, frame));
  }

  private read(def: FlowStep, text: string): ParseResult {
    const reader = def.input ? INPUT_READERS[def.input] : undefined;
    if (!reader) return { ok: false, error: 'inputs.errors.unsupported' };
    const frame = this.state.frame;
    const parseCtx: ParseContext = { words: (key) => this.ctx.words(key), data: frame?.data ?? {}, now: this.ctx.now ?? Date.now };
    if (def.optional && this.ctx.words('inputs.skip_words').includes(normalizeArabic(text))) return { ok: true, value: null };
    const step = def.choicesFrom && frame ? { ...def, choices: this.choicesOf(frame, def) } : def;
    return reader(text, step, parseCtx);
  }

  private validate(result: ParseResult, def: FlowStep, frame: Frame): ParseResult {
    if (!result.ok) return result;
    for (const ref of def.validators ?? []) {
      const [name, params] = typeof ref === 'string' ? [ref, {}] : [ref.name, ref.params ?? {}];
      const failure = VALIDATORS[name]?.(result.value, params, frame.data);
      if (failure) return { ok: false, error: failure.error, ...(failure.params ? { params: failure.params } : {}) };
    }
    return result;
  }

  private go(target: string | undefined): StepStatus {
    const frame = this.state.frame;
    if (!frame) return 'idle';
    if (target === undefined || target === 'end') {
      this.state.frame = null;
      return frame.then ? this.startFlow(frame.then, undefined) : 'idle';
    }
    if (target.startsWith('flow:')) return this.startFlow(target.slice(5), undefined);
    frame.step = target;
    frame.pc = 0;
    return this.enter();
  }

  private reask(): StepStatus {
    const here = this.current();
    if (!here) return 'idle';
    if (here.frame.awaiting) return 'call';
    if (this.state.overlay) {
      this.emitOverlay(this.state.overlay);
      return 'waiting';
    }
    this.emitAsk(here.frame, here.step);
    return here.step.input ? 'waiting' : 'idle';
  }

  private back(): StepStatus {
    const frame = this.state.frame;
    if (frame) delete frame.editing;
    const previous = frame?.history.pop();
    if (!frame || previous === undefined) return this.reask();
    frame.step = previous;
    frame.pc = (this.flow(frame.flow).steps[previous]?.actions ?? []).length;
    this.state.invalidCount = 0;
    return this.reask();
  }

  private nextOf(next: FlowNext | undefined, frame: Frame): string | undefined {
    return nextTarget(next, frame.data);
  }

  private params(): MessageParams {
    const params: MessageParams = {};
    for (const [k, v] of Object.entries(this.state.frame?.data ?? {})) {
      if (typeof v === 'string' || typeof v === 'number') params[k] = v;
      else if (typeof v === 'boolean') params[k] = String(v);
    }
    return params;
  }

  /** `$field` is that answer; `$answers` every labelled answer on the path taken (what a submission sends). */
  private resolveArgs(args: Record<string, string | number | boolean>, frame: Frame): Record<string, unknown> {
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) {
      if (v === '$answers') resolved[k] = answersOf(this.flow(frame.flow), frame.data);
      else resolved[k] = typeof v === 'string' && v.startsWith('$') ? frame.data[v.slice(1)] : v;
    }
    return resolved;
  }
}

/** Choices a service left in a field: `[{ value, text }]`; anything else in there is ignored. */
function computedChoices(value: unknown): ChoiceOption[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const { value: v, text } = (item ?? {}) as { value?: unknown; text?: unknown };
    return typeof v === 'string' && typeof text === 'string' ? [{ value: v, label: '', text }] : [];
  });
}

/** The overlay questions: locale key, field id for clients, and choices (the first one means "yes"). */
const OVERLAYS: Record<Overlay['kind'], [string, string, ChoiceOption[]]> = {
  cancel: [
    'form.cancel_confirm.ask',
    'confirm_cancel',
    [
      { value: 'cancel_yes', label: 'form.cancel_confirm.yes' },
      { value: 'cancel_no', label: 'form.cancel_confirm.no' },
    ],
  ],
  resume: [
    'form.resume.ask',
    'resume',
    [
      { value: 'resume_continue', label: 'form.resume.continue' },
      { value: 'resume_restart', label: 'form.resume.restart' },
    ],
  ],
};
