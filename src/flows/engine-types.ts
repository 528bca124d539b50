import type { Locale, MessageParams } from '../i18n/i18n.js';
import type { InputType } from './schema.js';

/** Where a conversation is inside a flow. One flow runs at a time; `then` is the flow to start after it. */
export type Frame = {
  flow: string;
  step: string;
  /** Answers and service results of this flow run, by field id. */
  data: Record<string, unknown>;
  /** Asking steps already answered, for "back". */
  history: string[];
  /** Index of the next action to run in the current step (a service call pauses in the middle). */
  pc: number;
  /** saveAs of the service call being waited for. */
  awaiting?: { saveAs: string | null };
  then?: string;
};

/** Everything the engine knows about a conversation; stored (sealed) with it. */
export type EngineState = {
  v: 1;
  locale: Locale | null;
  consent: { version: string } | null;
  frame: Frame | null;
  /** Refused answers in a row at the current question. */
  invalidCount: number;
};

export const initialState = (): EngineState => ({ v: 1, locale: null, consent: null, frame: null, invalidCount: 0 });

export type AttachmentInput = { name: string; contentType: string; url?: string; id?: string };

export type EngineInput =
  | { kind: 'start'; flow: string }
  | { kind: 'text'; text: string }
  | { kind: 'attachments'; attachments: AttachmentInput[] }
  | { kind: 'result'; value: unknown }
  | { kind: 'back' }
  /** Show the current question again (after an interruption was answered). */
  | { kind: 'reprompt' };

export type ChoiceOption = { value: string; label: string };

export type Effect =
  | { type: 'say'; key: string; params: MessageParams }
  | { type: 'ask'; key: string; params: MessageParams; inputType: InputType; field: string; choices: ChoiceOption[]; optional: boolean }
  | { type: 'call'; service: string; args: Record<string, unknown> }
  | { type: 'handoff'; reason: string }
  | { type: 'setLocale'; locale: Locale }
  | { type: 'consent'; version: string };

/**
 * - `waiting`: a question is open.
 * - `call`: run the `call` effect's service, then step again with `{kind: 'result'}`.
 * - `idle`: no flow is running (ended, handed off, or never started).
 */
export type StepStatus = 'waiting' | 'call' | 'idle';

/** What became of the input: taken, refused by a check (the question is asked again), or not for the engine. */
export type InputOutcome = 'accepted' | 'refused' | 'none';

export type StepResult = { state: EngineState; effects: Effect[]; status: StepStatus; outcome: InputOutcome };

/** How an answer is read. `words(key)` gives the normalized words of a locale key in every language. */
export type ParseContext = {
  words(key: string): string[];
  data: Readonly<Record<string, unknown>>;
};

export type ParseResult = { ok: true; value: unknown } | { ok: false; error: string; params?: MessageParams };
