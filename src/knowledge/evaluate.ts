import { z } from 'zod';
import type { AnswerResult } from '../bot/answerer.js';
import type { Locale } from '../i18n/i18n.js';
import { hasArabic, normalizeArabic } from '../text/normalize.js';

/** The evaluation set format (`faq-dev.json`): the facts per topic, and questions with their topic or `oos`. */
export const evaluationSetSchema = z.object({
  topics: z.record(z.string(), z.array(z.array(z.string()).min(1)).min(1)),
  questions: z.array(z.union([z.object({ q: z.string(), topic: z.string() }), z.object({ q: z.string(), oos: z.literal(true) })])),
});
export type EvaluationSet = z.infer<typeof evaluationSetSchema>;

export type EvaluationCase = { q: string; expected: string | null; got: AnswerResult; correct: boolean };

export type EvaluationReport = {
  topical: { total: number; correct: number; suggested: number; declined: number };
  outOfScope: { total: number; declined: number; suggested: number };
  cases: EvaluationCase[];
};

/**
 * Asks every question of the set, in its own language, and scores the replies the way a reader
 * would: a topical question is right when the answer holds every fact group of its topic (one word
 * of each group, after Arabic normalization); an out-of-scope question is right when the bot
 * declines instead of answering or guessing.
 */
export async function evaluate(set: EvaluationSet, answer: (q: string, locale: Locale) => Promise<AnswerResult>): Promise<EvaluationReport> {
  const report: EvaluationReport = {
    topical: { total: 0, correct: 0, suggested: 0, declined: 0 },
    outOfScope: { total: 0, declined: 0, suggested: 0 },
    cases: [],
  };
  for (const item of set.questions) {
    const got = await answer(item.q, hasArabic(item.q) ? 'ar' : 'en');
    if ('oos' in item) {
      report.outOfScope.total += 1;
      if (got.kind === 'none') report.outOfScope.declined += 1;
      if (got.kind === 'suggest') report.outOfScope.suggested += 1;
      report.cases.push({ q: item.q, expected: null, got, correct: got.kind === 'none' });
      continue;
    }
    report.topical.total += 1;
    const facts = set.topics[item.topic];
    const reply = got.kind === 'answer' ? normalizeArabic(got.text) : '';
    // A question whose topic the set does not describe cannot be judged right.
    const correct = got.kind === 'answer' && facts !== undefined && facts.every((group) => group.some((word) => reply.includes(normalizeArabic(word))));
    if (correct) report.topical.correct += 1;
    if (got.kind === 'suggest') report.topical.suggested += 1;
    if (got.kind === 'none') report.topical.declined += 1;
    report.cases.push({ q: item.q, expected: item.topic, got, correct });
  }
  return report;
}

/** The report as the lines `npm run eval:faq` prints. */
export function formatReport(report: EvaluationReport): string {
  const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);
  const { topical: t, outOfScope: o } = report;
  const lines = [
    `topic accuracy: ${t.correct}/${t.total} (${pct(t.correct, t.total)})  [wrong or incomplete answer ${t.total - t.correct - t.suggested - t.declined}, "did you mean" ${t.suggested}, declined ${t.declined}]`,
    `out-of-scope declined: ${o.declined}/${o.total} (${pct(o.declined, o.total)})  ["did you mean" ${o.suggested}, answered ${o.total - o.declined - o.suggested}]`,
  ];
  const misses = report.cases.filter((c) => !c.correct);
  lines.push(misses.length === 0 ? 'misses: none' : `misses (${misses.length}):`);
  for (const miss of misses) lines.push(`  ✗ ${JSON.stringify(miss.q)} expected ${miss.expected ?? 'decline'}, got ${describe(miss.got)}`);
  return lines.join('\n');
}

function describe(result: AnswerResult): string {
  if (result.kind === 'answer') return `answer ${result.id} (${result.score})`;
  if (result.kind === 'suggest') return `did-you-mean [${result.options.map((o) => `${o.id} ${o.score}`).join(', ')}]`;
  return 'decline';
}
