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
  /**
   * Set while the beneficiary changes one answer from the summary: `step` is the question being
   * changed, `returnTo` the summary. Questions after it that already have an answer are skipped.
   */
  editing?: { step: string; returnTo: string };
};

/**
 * A question the engine itself puts in front of the flow's own: "really cancel and delete your
 * answers?" or, after a long absence, "continue where you stopped or start again?".
 */
export type Overlay = { kind: 'cancel' } | { kind: 'resume' };

/** Everything the engine knows about a conversation; stored (sealed) with it. */
export type EngineState = {
  v: 1;
  locale: Locale | null;
  consent: { version: string } | null;
  frame: Frame | null;
  /** Refused answers in a row at the current question. */
  invalidCount: number;
  overlay?: Overlay;
  /** When the beneficiary last wrote (epoch ms), to notice a long absence in the middle of a form. */
  seenAt?: number;
  /** Questions in a row the knowledge could not answer; the second offers a person. */
  misses?: number;
  /** "Menu" was said while a person is in charge: the next yes/no decides whether to leave them. */
  leavingPerson?: boolean;
  /**
   * The flow that was in progress when the bot itself started another one (a satisfaction survey
   * arriving in the middle of an application); it comes back, question and answers intact, when
   * that one ends. A flow the beneficiary starts themselves drops it.
   */
  suspended?: Frame;
};

export const initialState = (): EngineState => ({ v: 1, locale: null, consent: null, frame: null, invalidCount: 0 });

export type AttachmentInput = { name: string; contentType: string; url?: string; id?: string };

export type EngineInput =
  /**
   * Starts a flow; `data` seeds its answers (the text that triggered it, files already received).
   * `suspend` keeps the flow in progress to come back to when this one ends (for flows the bot
   * starts on its own, such as a survey).
   */
  | { kind: 'start'; flow: string; data?: Record<string, unknown>; suspend?: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'attachments'; attachments: AttachmentInput[] }
  | { kind: 'result'; value: unknown }
  | { kind: 'back' }
  /** Show the current question again (after an interruption was answered). */
  | { kind: 'reprompt' }
  /** The beneficiary asked to cancel: a draft flow asks for confirmation first, others stop at once. */
  | { kind: 'cancel' }
  /** The beneficiary came back after a long absence in a draft flow: offer to continue or restart. */
  | { kind: 'offerResume' };

/** A choice: `label` is a locale key; a choice a service computed carries its `text` instead. */
export type ChoiceOption = { value: string; label: string; text?: string };

export type Effect =
  | { type: 'say'; key: string; params: MessageParams }
  | {
      type: 'ask';
      key: string;
      params: MessageParams;
      inputType: InputType;
      field: string;
      choices: ChoiceOption[];
      optional: boolean;
      /** Extra buttons offered with the question, each a locale key whose text is a command (stop, talk to a person). */
      offers?: string[];
    }
  /** The answers given so far, in the order asked, for the beneficiary to check. */
  | { type: 'summary'; items: SummaryItem[] }
  | { type: 'call'; service: string; args: Record<string, unknown> }
  | { type: 'handoff'; reason: string }
  | { type: 'setLocale'; locale: Locale }
  | { type: 'consent'; version: string }
  /** A draft flow was cancelled and its answers deleted. */
  | { type: 'cancelled'; flow: string };

/** One answer as shown in a summary: the field's label and the value, with how to display it. */
export type SummaryItem = { field: string; label: string; inputType: InputType; value: unknown; choiceLabel?: string };

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
  /** The clock (epoch ms), for answers such as «بكرة» or «الأحد». */
  now(): number;
};

/**
 * A reader's verdict. A refusal names the locale key that says what is wrong; `offers` adds buttons
 * to the repeated question (a city outside the province offers to stop the application).
 */
export type ParseResult = { ok: true; value: unknown } | { ok: false; error: string; params?: MessageParams; offers?: string[] };
