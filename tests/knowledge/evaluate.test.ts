import { describe, expect, it } from 'vitest';
import type { AnswerResult } from '../../src/bot/answerer.js';
import type { Locale } from '../../src/i18n/i18n.js';
import { evaluate, evaluationSetSchema, formatReport, type EvaluationSet } from '../../src/knowledge/evaluate.js';

const answer = (id: string, text: string): AnswerResult => ({ kind: 'answer', id, score: 0.8, text });
const suggestion: AnswerResult = { kind: 'suggest', options: [{ id: 'decision_time', title: 'مدة الرد على الطلب', score: 0.5 }] };
const decline: AnswerResult = { kind: 'none', understood: true };

/** An answer function that replies from a table, and remembers the language each question was asked in. */
function fake(replies: Record<string, AnswerResult>) {
  const asked: [string, Locale][] = [];
  const fn = async (q: string, locale: Locale): Promise<AnswerResult> => {
    asked.push([q, locale]);
    return replies[q] ?? decline;
  };
  return { fn, asked };
}

const SET: EvaluationSet = {
  topics: {
    decision_time: [['اسبوعين', 'two weeks']],
    after_submit: [['الاداره', 'management'], ['دراسه', 'review']],
  },
  questions: [],
};

const withQuestions = (questions: EvaluationSet['questions']): EvaluationSet => ({ ...SET, questions });

describe('evaluate', () => {
  it('counts a topical answer right when it holds a word of the fact group, after Arabic normalization', async () => {
    const { fn } = fake({ 'متى الرد': answer('decision_time', 'يصلك الرد خلال مدة لا تقل عن أسبوعين.') });
    const report = await evaluate(withQuestions([{ q: 'متى الرد', topic: 'decision_time' }]), fn);
    expect(report.topical).toEqual({ total: 1, correct: 1, suggested: 0, declined: 0 });
    expect(report.cases[0]).toMatchObject({ q: 'متى الرد', expected: 'decision_time', correct: true });
  });

  it('matches facts whatever the diacritics, tatweel and letter forms of the reply', async () => {
    const { fn } = fake({ q: answer('after_submit', 'يُرفَع الطلب إلى الإدارةِ لدراســـة طلبك.') });
    const report = await evaluate(withQuestions([{ q: 'q', topic: 'after_submit' }]), fn);
    expect(report.topical.correct).toBe(1);
  });

  it('accepts any word of a group, in either language', async () => {
    const { fn } = fake({ 'how long': answer('decision_time', 'At least two weeks.') });
    expect((await evaluate(withQuestions([{ q: 'how long', topic: 'decision_time' }]), fn)).topical.correct).toBe(1);
  });

  it('counts an answer wrong when one fact group is missing', async () => {
    const { fn } = fake({ q: answer('after_submit', 'يُرفع الطلب إلى الإدارة.') });
    const report = await evaluate(withQuestions([{ q: 'q', topic: 'after_submit' }]), fn);
    expect(report.topical).toEqual({ total: 1, correct: 0, suggested: 0, declined: 0 });
    expect(report.cases[0]?.correct).toBe(false);
  });

  it('judges the reply by its facts, not by the entry id it came from', async () => {
    const { fn } = fake({ q: answer('request_status', 'خلال أسبوعين') });
    expect((await evaluate(withQuestions([{ q: 'q', topic: 'decision_time' }]), fn)).topical.correct).toBe(1);
  });

  it('counts a "did you mean" or a decline for a topical question as wrong, each in its own count', async () => {
    const { fn } = fake({ vague: suggestion, declined: decline });
    const report = await evaluate(
      withQuestions([
        { q: 'vague', topic: 'decision_time' },
        { q: 'declined', topic: 'decision_time' },
      ]),
      fn,
    );
    expect(report.topical).toEqual({ total: 2, correct: 0, suggested: 1, declined: 1 });
    expect(report.cases.map((c) => c.correct)).toEqual([false, false]);
  });

  it('counts an out-of-scope question right only when the bot declines', async () => {
    const { fn } = fake({ joke: decline, weather: suggestion, price: answer('services_cost', 'الاستشارات مجانية') });
    const report = await evaluate(
      withQuestions([
        { q: 'joke', oos: true },
        { q: 'weather', oos: true },
        { q: 'price', oos: true },
      ]),
      fn,
    );
    expect(report.outOfScope).toEqual({ total: 3, declined: 1, suggested: 1 });
    expect(report.cases.map((c) => [c.q, c.expected, c.correct])).toEqual([
      ['joke', null, true],
      ['weather', null, false],
      ['price', null, false],
    ]);
  });

  it('asks each question in its own language', async () => {
    const { fn, asked } = fake({});
    await evaluate(withQuestions([{ q: 'وش الشروط', oos: true }, { q: 'what are the conditions', oos: true }]), fn);
    expect(asked).toEqual([
      ['وش الشروط', 'ar'],
      ['what are the conditions', 'en'],
    ]);
  });

  it('reads an evaluation set in the faq-dev.json format', () => {
    const parsed = evaluationSetSchema.safeParse({ topics: { t: [['a']] }, questions: [{ q: 'x', topic: 't' }, { q: 'y', oos: true }] });
    expect(parsed.success).toBe(true);
    expect(evaluationSetSchema.safeParse({ topics: { t: [[]] }, questions: [] }).success).toBe(false);
  });
});

describe('formatReport', () => {
  it('prints the topic accuracy and the out-of-scope decline rate, then each miss', async () => {
    const { fn } = fake({
      'متى الرد': answer('decision_time', 'خلال أسبوعين'),
      'how long': answer('after_submit', 'It goes to management.'),
      vague: suggestion,
      'وش بعد التقديم': decline,
      joke: decline,
      weather: answer('working_days', 'Sunday to Thursday'),
    });
    const report = await evaluate(
      withQuestions([
        { q: 'متى الرد', topic: 'decision_time' },
        { q: 'how long', topic: 'decision_time' },
        { q: 'vague', topic: 'decision_time' },
        { q: 'وش بعد التقديم', topic: 'after_submit' },
        { q: 'joke', oos: true },
        { q: 'weather', oos: true },
      ]),
      fn,
    );
    expect(formatReport(report).split('\n')).toEqual([
      'topic accuracy: 1/4 (25.0%)  [wrong or incomplete answer 1, "did you mean" 1, declined 1]',
      'out-of-scope declined: 1/2 (50.0%)  ["did you mean" 0, answered 1]',
      'misses (4):',
      '  ✗ "how long" expected decision_time, got answer after_submit (0.8)',
      '  ✗ "vague" expected decision_time, got did-you-mean [decision_time 0.5]',
      '  ✗ "وش بعد التقديم" expected after_submit, got decline',
      '  ✗ "weather" expected decline, got answer working_days (0.8)',
    ]);
  });

  it('says there are no misses, and n/a for an empty part of the set', async () => {
    const { fn } = fake({ 'متى الرد': answer('decision_time', 'خلال أسبوعين') });
    const report = await evaluate(withQuestions([{ q: 'متى الرد', topic: 'decision_time' }]), fn);
    expect(formatReport(report)).toBe(
      [
        'topic accuracy: 1/1 (100.0%)  [wrong or incomplete answer 0, "did you mean" 0, declined 0]',
        'out-of-scope declined: 0/0 (n/a)  ["did you mean" 0, answered 0]',
        'misses: none',
      ].join('\n'),
    );
  });
});

describe('a question whose topic the set does not describe', () => {
  it('is counted wrong, whatever the reply', async () => {
    const { fn } = fake({ q: answer('x', 'anything') });
    const report = await evaluate(withQuestions([{ q: 'q', topic: 'no_such_topic' }]), fn);
    expect(report.topical.correct).toBe(0);
  });

  it('refuses a set with a topic that has no facts', () => {
    expect(evaluationSetSchema.safeParse({ topics: { empty: [] }, questions: [] }).success).toBe(false);
  });
});
