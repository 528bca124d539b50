import { z } from 'zod';

/**
 * The shape of a `flows/*.yaml` file. A flow is a small state machine: named steps, each of which may
 * say something, run actions, ask one question and choose where to go next. Text is always a locale
 * key; field values are available to every message as ICU parameters (`{reference}`).
 *
 * ```yaml
 * id: about
 * start: intro
 * steps:
 *   intro:
 *     say: about.intro
 *     next: flow:main_menu
 * ```
 */

export const INPUT_TYPES = ['text', 'number', 'nationalId', 'phone', 'city', 'choice', 'yesNo', 'rating', 'date', 'attachment'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected lower_snake_case (letters, digits, _)' });
const localeKey = z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, { message: 'expected a locale key like menu.prompt' });

/** `next` target: a step of this flow, `flow:<id>` (switch to that flow), or `end`. */
const target = z.string().regex(/^(?:flow:)?[a-z][a-z0-9_]*$/, { message: 'expected a step id, flow:<id> or end' });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const condition = z
  .object({
    field: identifier,
    equals: scalar.optional(),
    notEquals: scalar.optional(),
    in: z.array(scalar).optional(),
    exists: z.boolean().optional(),
  })
  .strict();

const branch = z.object({ if: condition.optional(), goto: target }).strict();

const nextSpec = z.union([target, z.array(branch).min(1)]);

const action = z.union([
  z.object({ set: z.record(identifier, scalar) }).strict(),
  z.object({ call: identifier, args: z.record(z.string(), scalar).optional(), saveAs: identifier.optional() }).strict(),
  z.object({ handoff: identifier }).strict(),
  z.object({ setLocale: z.enum(['ar', 'en', 'other']) }).strict(),
  z.object({ grantConsent: z.string().min(1) }).strict(),
]);

const choice = z
  .object({
    value: identifier,
    label: localeKey,
    /** A locale key whose text lists more words that pick this choice, separated by `|`. */
    match: localeKey.optional(),
    next: target.optional(),
  })
  .strict();

const validatorRef = z.union([identifier, z.object({ name: identifier, params: z.record(z.string(), scalar).optional() }).strict()]);

export const stepSchema = z
  .object({
    say: z.union([localeKey, z.array(localeKey).min(1)]).optional(),
    actions: z.array(action).optional(),
    ask: localeKey.optional(),
    input: z.enum(INPUT_TYPES, { message: `expected one of ${INPUT_TYPES.join(', ')}` }).optional(),
    field: identifier.optional(),
    choices: z.array(choice).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    optional: z.boolean().optional(),
    validators: z.array(validatorRef).optional(),
    /** Message shown when the answer is refused; the input type's own message otherwise. */
    invalid: localeKey.optional(),
    /** Short name of the answer in the summary and in the "which answer to change?" list. */
    label: localeKey.optional(),
    /** Shows every labelled answer given so far (the check before submitting). */
    summary: z.boolean().optional(),
    /**
     * `answers`: the choices are the labelled questions answered so far; picking one asks it again
     * and then comes back to the `returnTo` step (the summary). `$field`: the choices a service put
     * in that field (`[{ value, text }]`, text already in the beneficiary's language), such as the
     * days still open for booking.
     */
    choicesFrom: z
      .union([z.literal('answers'), z.string().regex(/^\$[a-z][a-z0-9_]*$/, { message: 'expected answers or $field' })])
      .optional(),
    returnTo: identifier.optional(),
    next: nextSpec.optional(),
  })
  .strict();

export const flowSchema = z
  .object({
    id: identifier,
    /** Shown to staff and in errors. */
    description: z.string().optional(),
    start: identifier,
    /** The flow asks personal data: the consent flow runs first when the conversation has no consent. */
    consent: z.boolean().optional(),
    /** A locale key listing `|`-separated phrases that start this flow from anywhere. */
    triggers: localeKey.optional(),
    /**
     * Free text that answers none of this flow's choices leaves the flow and is handled as a new
     * message (a question, a command, another service) instead of being refused. For menus.
     */
    passthrough: z.boolean().optional(),
    /**
     * The flow collects a draft (an application): "cancel" asks before deleting the answers, and a
     * beneficiary who comes back after a long absence is offered to continue or start again.
     */
    draft: z.boolean().optional(),
    steps: z.record(identifier, stepSchema),
  })
  .strict();

export type FlowStep = z.infer<typeof stepSchema>;
export type Flow = z.infer<typeof flowSchema>;
export type FlowAction = z.infer<typeof action>;
export type FlowChoice = z.infer<typeof choice>;
export type FlowCondition = z.infer<typeof condition>;
export type FlowNext = z.infer<typeof nextSpec>;
export type ValidatorRef = z.infer<typeof validatorRef>;

/** All flows by id; `welcome`, `main_menu` and `consent` always exist. */
export type FlowSet = ReadonlyMap<string, Flow>;
