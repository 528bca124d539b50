import type { MessageParams } from '../i18n/i18n.js';
import { parseRequestReference } from '../store/record-values.js';

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

/**
 * Compares a number with an earlier answer plus an offset (`years_married <= wife_age - 12`).
 * Passes when the other answer is not there yet, so the check runs from whichever side comes last
 * (asked in order, or changed later from the summary).
 */
function compareWithField(direction: 'atMost' | 'atLeast'): Validator {
  return (value, params, data) => {
    const other = typeof params.field === 'string' ? data[params.field] : undefined;
    if (typeof value !== 'number' || typeof other !== 'number') return null;
    const limit = other + (typeof params.offset === 'number' ? params.offset : 0);
    const fails = direction === 'atMost' ? value > limit : value < limit;
    if (!fails) return null;
    return { error: typeof params.message === 'string' ? params.message : 'inputs.errors.does_not_fit', params: { value, other } };
  };
}

/** A person's full name: letters only, at least two names (first and family), at most 100 characters. */
const personName: Validator = (value) => {
  if (typeof value !== 'string') return null;
  if (/[0-9\u0660-\u0669\u06F0-\u06F9]/.test(value)) return { error: 'inputs.errors.name_digits' };
  if (value.length > 100) return { error: 'inputs.errors.too_long', params: { max: 100 } };
  if (!/^[\p{L}\p{M}\s'’.-]+$/u.test(value)) return { error: 'inputs.errors.name_letters' };
  if (value.trim().split(/\s+/).filter((w) => w.replace(/[.'’-]/g, '').length >= 2).length < 2) return { error: 'inputs.errors.name_short' };
  return null;
};

export const VALIDATORS: Readonly<Record<string, Validator>> = {
  person_name: personName,
  /** The text holds a support request reference (`4827-5396`). */
  request_reference: (value) => (typeof value === 'string' && parseRequestReference(value) === null ? { error: 'status.errors.no_reference' } : null),
  at_most_field: compareWithField('atMost'),
  at_least_field: compareWithField('atLeast'),
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
