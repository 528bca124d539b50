import path from 'node:path';
import { Vocabulary } from '../../src/bot/vocabulary.js';
import { step, type EngineContext } from '../../src/flows/engine.js';
import { initialState, type Effect, type EngineInput, type EngineState, type StepResult } from '../../src/flows/engine-types.js';
import { loadFlows } from '../../src/flows/load-flows.js';
import { VALIDATORS } from '../../src/flows/validators.js';
import { createI18n } from '../../src/i18n/i18n.js';

/** An engine context over a fixture folder (flows + `locales/`), with the real validators. */
export function fixtureEngine(fixtureDir: string, services: string[]): EngineContext {
  const i18n = createI18n(path.join(fixtureDir, 'locales'));
  const vocabulary = new Vocabulary(i18n);
  return {
    flows: loadFlows(fixtureDir, { i18n, services: new Set(services), validators: new Set(Object.keys(VALIDATORS)) }),
    words: (key) => vocabulary.words(key),
  };
}

/** A conversation driven one input at a time, keeping the state between steps like the runtime does. */
export class Dialogue {
  state: EngineState;
  last!: StepResult;

  constructor(
    private readonly ctx: EngineContext,
    state: EngineState = initialState(),
  ) {
    this.state = state;
  }

  send(input: EngineInput): StepResult {
    this.last = step(this.ctx, this.state, input);
    this.state = this.last.state;
    return this.last;
  }

  start(flow: string, data?: Record<string, unknown>): StepResult {
    return this.send(data ? { kind: 'start', flow, data } : { kind: 'start', flow });
  }

  text(text: string): StepResult {
    return this.send({ kind: 'text', text });
  }

  get data(): Record<string, unknown> {
    return this.state.frame?.data ?? {};
  }

  get at(): string | undefined {
    return this.state.frame?.step;
  }
}

/** Effects as short strings (`say:key`, `ask:key`, `call`) for order assertions. */
export const keys = (effects: Effect[]): string[] => effects.map((e) => ('key' in e ? `${e.type}:${e.key}` : e.type));
