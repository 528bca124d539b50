import { describe, expect, it } from 'vitest';
import { VALIDATORS, type Validator } from '../../src/flows/validators.js';

function validator(name: string): Validator {
  const found = VALIDATORS[name];
  if (!found) throw new Error(`no validator ${name}`);
  return found;
}

describe('person_name', () => {
  const check = (name: string) => validator('person_name')(name, {}, {});

  it.each(['محمد عبدالله الخالدي', 'Sara Al-Qahtani', 'نورة بنت سعد'])('accepts the full name "%s"', (name) => {
    expect(check(name)).toBeNull();
  });

  it('asks for the full name when only a first name is given', () => {
    expect(check('محمد')).toEqual({ error: 'inputs.errors.name_short' });
  });

  it('refuses a name with digits', () => {
    expect(check('محمد 123')).toEqual({ error: 'inputs.errors.name_digits' });
  });

  it('refuses a name with symbols', () => {
    expect(check('<b>x</b> y')).toEqual({ error: 'inputs.errors.name_letters' });
  });

  it('refuses a name longer than 100 letters and says the limit', () => {
    expect(check(`${'م'.repeat(60)} ${'ع'.repeat(59)}`)).toEqual({ error: 'inputs.errors.too_long', params: { max: 100 } });
  });
});

describe('at_most_field', () => {
  const check = validator('at_most_field');
  const yearsVsWifeAge = { field: 'wife_age', offset: -12, message: 'support.errors.years_vs_wife_age' };

  it('lets the years of marriage pass while the wife’s age is not known yet', () => {
    expect(check(19, yearsVsWifeAge, {})).toBeNull();
  });

  it('refuses 19 years of marriage for a wife of 30, with both numbers', () => {
    expect(check(19, yearsVsWifeAge, { wife_age: 30 })).toEqual({ error: 'support.errors.years_vs_wife_age', params: { value: 19, other: 30 } });
  });

  it('accepts 18 years of marriage for a wife of 30', () => {
    expect(check(18, yearsVsWifeAge, { wife_age: 30 })).toBeNull();
  });

  it('uses the general message when the step names none', () => {
    expect(check(5, { field: 'limit' }, { limit: 4 })).toEqual({ error: 'inputs.errors.does_not_fit', params: { value: 5, other: 4 } });
    expect(check(4, { field: 'limit' }, { limit: 4 })).toBeNull();
  });
});

describe('at_least_field', () => {
  const check = validator('at_least_field');
  const ageVsYears = { field: 'years_married', offset: 12, message: 'support.errors.age_vs_years' };

  it('lets an age pass while the years of marriage are not known yet', () => {
    expect(check(20, ageVsYears, {})).toBeNull();
  });

  it('refuses an age of 29 after 18 years of marriage, with both numbers', () => {
    expect(check(29, ageVsYears, { years_married: 18 })).toEqual({ error: 'support.errors.age_vs_years', params: { value: 29, other: 18 } });
  });

  it('accepts an age of 30 after 18 years of marriage', () => {
    expect(check(30, ageVsYears, { years_married: 18 })).toBeNull();
  });

  it('uses the general message when the step names none', () => {
    expect(check(3, { field: 'limit' }, { limit: 4 })).toEqual({ error: 'inputs.errors.does_not_fit', params: { value: 3, other: 4 } });
  });
});

describe('different_from', () => {
  const check = validator('different_from');

  it('refuses the spouse’s ID when it is the applicant’s, with the step’s message', () => {
    const params = { field: 'national_id', message: 'support.errors.same_id' };
    expect(check('1058529940', params, { national_id: '1058529940' })).toEqual({ error: 'support.errors.same_id' });
  });

  it('uses the general message when the step names none', () => {
    expect(check('1058529940', { field: 'national_id' }, { national_id: '1058529940' })).toEqual({ error: 'inputs.errors.same_as_before' });
  });

  it('accepts a different answer, or any answer while the other is not given yet', () => {
    expect(check('1000000008', { field: 'national_id' }, { national_id: '1058529940' })).toBeNull();
    expect(check('1000000008', { field: 'national_id' }, {})).toBeNull();
  });
});

describe('max_length', () => {
  it('refuses a text longer than the limit and says the limit', () => {
    expect(validator('max_length')('abcd', { max: 3 }, {})).toEqual({ error: 'inputs.errors.too_long', params: { max: 3 } });
    expect(validator('max_length')('abc', { max: 3 }, {})).toBeNull();
  });
});

describe('request_reference', () => {
  const check = (text: string) => validator('request_reference')(text, {}, {});

  it('accepts a message that holds a request reference', () => {
    expect(check('حالة طلبي 4827-5396')).toBeNull();
    expect(check('حالة طلبي ٤٨٢٧-٥٣٩٦')).toBeNull();
  });

  it('asks for the reference when the message has none', () => {
    expect(check('حالة طلبي')).toEqual({ error: 'status.errors.no_reference' });
  });

  it('does not take a mobile number for a reference', () => {
    expect(check('0551234567')).toEqual({ error: 'status.errors.no_reference' });
  });
});
