import type { MessageParams } from '../i18n/i18n.js';

/**
 * Extra checks a step can list after its input type has read the answer, e.g.
 * `validators: [{name: different_from, params: {field: national_id}}]`.
 * A validator returns null when the value passes, or the locale key (and parameters) of the refusal.
 */
export type Validator = (
  value: unknown,
  params: Readonly<Record<string, string | number | boolean>>,
  data: Readonly<Record<string, unknown>>,
) => { error: string; params?: MessageParams } | null;

export const VALIDATORS: Readonly<Record<string, Validator>> = {
  /** The answer must differ from an earlier field (a spouse's ID is not the applicant's). */
  different_from: (value, params, data) =>
    typeof params.field === 'string' && data[params.field] !== undefined && data[params.field] === value
      ? { error: typeof params.message === 'string' ? params.message : 'inputs.errors.same_as_before' }
      : null,
  /** Text answers at most `max` characters. */
  max_length: (value, params) =>
    typeof value === 'string' && typeof params.max === 'number' && value.length > params.max
      ? { error: 'inputs.errors.too_long', params: { max: params.max } }
      : null,
};
