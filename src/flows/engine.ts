import type { MessageParams } from '../i18n/i18n.js';
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
import { INPUT_READERS, readAttachments } from './inputs.js';
import type { Flow, FlowCondition, FlowNext, FlowSet, FlowStep } from './schema.js';
import { VALIDATORS } from './validators.js';

/** What the engine needs besides the flows: pure lookups, no I/O. */
export type EngineContext = {
  flows: FlowSet;
  /** Normalized words of a locale key in every language (labels, `|`-separated word lists). */
  words(key: string): string[];
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
        return this.finish(this.startFlow(input.flow, undefined));
      case 'reprompt':
        return this.finish(this.reask());
      case 'back':
        return this.finish(this.back());
      case 'result':
        return this.finish(this.resume(input.value));
      case 'text':
        return this.finish(this.answer((step) => this.read(step, input.text)));
      case 'attachments':
        return this.finish(this.answer((step) => (step.input === 'attachment' ? readAttachments(input.attachments) : { ok: false, error: 'inputs.errors.not_a_file' })));
    }
  }

  private finish(status: StepStatus): StepResult {
    if (status === 'idle') this.state.frame = null;
    return { state: this.state, effects: this.effects, status, outcome: this.outcome };
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

  private startFlow(id: string, then: string | undefined): StepStatus {
    const flow = this.flow(id);
    if (flow.consent && !this.state.consent && id !== 'consent') return this.startFlow('consent', id);
    this.state.frame = { flow: id, step: flow.start, data: {}, history: [], pc: 0, ...(then ? { then } : {}) };
    this.state.invalidCount = 0;
    return this.enter();
  }

  /** Runs the current step from its next action: actions, then say, then ask or move on. */
  private enter(): StepStatus {
    const here = this.current();
    if (!here) return 'idle';
    if (--this.budget < 0) throw new Error(`flow ${here.frame.flow} moved ${MAX_STEPS_PER_TURN} steps without asking anything`);
    const { frame, step: def } = here;
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
    if (def.input) {
      this.emitAsk(frame, def);
      return 'waiting';
    }
    return this.go(this.nextOf(def.next, frame));
  }

  private say(def: FlowStep): void {
    const params = this.params();
    for (const key of [def.say ?? []].flat()) this.effects.push({ type: 'say', key, params });
  }

  private emitAsk(frame: Frame, def: FlowStep): void {
    if (!def.ask || !def.input) return;
    this.effects.push({
      type: 'ask',
      key: def.ask,
      params: this.params(),
      inputType: def.input,
      field: def.field ?? frame.step,
      choices: (def.choices ?? []).map((c) => ({ value: c.value, label: c.label })),
      optional: def.optional ?? false,
    });
  }

  private resume(value: unknown): StepStatus {
    const frame = this.state.frame;
    if (!frame?.awaiting) return frame ? 'waiting' : 'idle';
    if (frame.awaiting.saveAs) frame.data[frame.awaiting.saveAs] = value;
    delete frame.awaiting;
    return this.enter();
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
      this.emitAsk(frame, def);
      return 'waiting';
    }
    this.outcome = 'accepted';
    this.state.invalidCount = 0;
    frame.data[def.field ?? frame.step] = result.value;
    frame.history.push(frame.step);
    const chosen = def.input === 'choice' ? def.choices?.find((c) => c.value === result.value) : undefined;
    return this.go(chosen?.next ?? this.nextOf(def.next, frame));
  }

  private read(def: FlowStep, text: string): ParseResult {
    const reader = def.input ? INPUT_READERS[def.input] : undefined;
    if (!reader) return { ok: false, error: 'inputs.errors.unsupported' };
    const parseCtx: ParseContext = { words: (key) => this.ctx.words(key), data: this.state.frame?.data ?? {} };
    return reader(text, def, parseCtx);
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
    this.emitAsk(here.frame, here.step);
    return here.step.input ? 'waiting' : 'idle';
  }

  private back(): StepStatus {
    const frame = this.state.frame;
    const previous = frame?.history.pop();
    if (!frame || previous === undefined) return this.reask();
    frame.step = previous;
    frame.pc = (this.flow(frame.flow).steps[previous]?.actions ?? []).length;
    this.state.invalidCount = 0;
    return this.reask();
  }

  private nextOf(next: FlowNext | undefined, frame: Frame): string | undefined {
    if (next === undefined || typeof next === 'string') return next;
    return next.find((b) => !b.if || matches(b.if, frame.data))?.goto;
  }

  private params(): MessageParams {
    const params: MessageParams = {};
    for (const [k, v] of Object.entries(this.state.frame?.data ?? {})) {
      if (typeof v === 'string' || typeof v === 'number') params[k] = v;
      else if (typeof v === 'boolean') params[k] = String(v);
    }
    return params;
  }

  private resolveArgs(args: Record<string, string | number | boolean>, frame: Frame): Record<string, unknown> {
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) {
      resolved[k] = typeof v === 'string' && v.startsWith('$') ? frame.data[v.slice(1)] : v;
    }
    return resolved;
  }
}

function matches(condition: FlowCondition, data: Record<string, unknown>): boolean {
  const value = data[condition.field];
  if (condition.exists !== undefined && (value !== undefined) !== condition.exists) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.notEquals !== undefined && value === condition.notEquals) return false;
  if (condition.in !== undefined && !condition.in.some((v) => v === value)) return false;
  return true;
}
