import path from 'node:path';
import type { AnswerResult } from '../../src/bot/answerer.js';
import type { Locale } from '../../src/i18n/i18n.js';
import { evaluate, type EvaluationReport, type EvaluationSet } from '../../src/knowledge/evaluate.js';
import { decide } from '../../src/knowledge/knowledge-answerer.js';
import { KnowledgeIndex } from '../../src/knowledge/knowledge-index.js';
import { hasArabic } from '../../src/text/normalize.js';
import { Bm25Baseline } from '../lib/bm25-baseline.js';
import { developmentSetPath, grownTo, queriesFrom, readEvaluationSet, shippedKnowledge, type Query } from '../lib/faq-corpus.js';
import { Latencies, nowMs } from '../lib/stats.js';
import type { Benchmark, Row } from '../lib/types.js';

/** The shipped knowledge alone (for reference), then the sizes the issue asks for; `--quick` stops at 1,000. */
const SIZES = [0, 1000, 5000];
/** How many of the timed queries are also checked for the same reply as from the shipped knowledge alone. */
const SAME_REPLY_SAMPLE = 400;

type Answer = (q: string, locale: Locale) => AnswerResult;
type Speed = { qps: number; p50: number; p99: number };

/**
 * 3. The question answerer at 1,000 and 5,000 topics: the shipped knowledge grown with generated
 * entries made of its own words (`bench/lib/faq-corpus.ts`), queried in one closed loop on one core
 * with the shipped phrasings (one word dropped) and the development set's questions. The subject is
 * the whole decision (`decide`: exact title, BM25+ from `src/knowledge/bm25-index.ts`, coverage,
 * margins, decline); the baseline is wink-bm25-text-search over the same documents with the same
 * analyzer, answering with its top-1 topic. Both are scored on the development set the way
 * `npm run eval:faq` scores.
 */
export const benchmark: Benchmark = {
  id: 'faq',
  order: 3,
  title: 'FAQ answerer: queries/s, p99 and top-1 accuracy beside plain BM25',
  async run(options) {
    const seconds = options.quick ? 0.3 : 3;
    const { entries, synonyms } = shippedKnowledge();
    const setFile = developmentSetPath();
    const set = readEvaluationSet(setFile);
    const devQueries = set.questions.map(({ q }) => ({ q, locale: localeOf(q) }));
    const queries: Query[] = interleave(queriesFrom(entries), devQueries);
    const shipped = new KnowledgeIndex(entries, synonyms);
    const sample = queries.filter((_, i) => i % Math.ceil(queries.length / SAME_REPLY_SAMPLE) === 0);
    const shippedReplies = sample.map(({ q, locale }) => outcome(decide(shipped, q, locale)));
    const rows: Row[] = [];
    const notes: string[] = [];
    for (const size of options.quick ? SIZES.slice(0, 2) : SIZES) {
      options.log(`faq: ${size || 'shipped'} topics — building both indexes`);
      let started = nowMs();
      const index = new KnowledgeIndex(grownTo(entries, size), synonyms);
      const buildMs = nowMs() - started;
      started = nowMs();
      const bm25 = new Bm25Baseline(index.topics, index.analyzer);
      const bm25BuildMs = nowMs() - started;
      const project: Answer = (q, locale) => decide(index, q, locale);
      const baseline: Answer = (q, locale) => bm25.answer(q, locale);
      options.log(`faq: ${index.topics.length} topics — timing ${seconds} s each`);
      const [ours, theirs] = race(project, baseline, queries, seconds);
      const ourScore = await score(set, project);
      const theirScore = await score(set, baseline);
      const same = sample.filter(({ q, locale }, i) => outcome(project(q, locale)) === shippedReplies[i]).length;
      rows.push({
        label: `${index.topics.length} topics${size === 0 ? ' (shipped)' : ''}`,
        figures: [
          { name: 'queries/s', value: ours.qps, baseline: theirs.qps },
          { name: 'p50', value: ours.p50, baseline: theirs.p50, unit: 'ms' },
          { name: 'p99', value: ours.p99, baseline: theirs.p99, unit: 'ms' },
          { name: 'top-1 accuracy', value: pct(ourScore.topical.correct, ourScore.topical.total), baseline: pct(theirScore.topical.correct, theirScore.topical.total), unit: '%' },
          { name: 'out-of-scope declined', value: pct(ourScore.outOfScope.declined, ourScore.outOfScope.total), baseline: pct(theirScore.outOfScope.declined, theirScore.outOfScope.total), unit: '%' },
          { name: 'build', value: buildMs, baseline: bm25BuildMs, unit: 'ms' },
          { name: 'same reply as shipped-only', value: pct(same, sample.length), unit: '%' },
        ],
      });
      notes.push(
        `${index.topics.length} topics: ours ${ourScore.topical.correct}/${ourScore.topical.total} right (did-you-mean ${ourScore.topical.suggested}, declined ${ourScore.topical.declined}), out-of-scope declined ${ourScore.outOfScope.declined}/${ourScore.outOfScope.total}; ` +
          `BM25 ${theirScore.topical.correct}/${theirScore.topical.total} right, out-of-scope declined ${theirScore.outOfScope.declined}/${theirScore.outOfScope.total}`,
      );
    }
    notes.push(
      `queries: ${queries.length} distinct (${queries.length - devQueries.length - 2} shipped phrasings with one word dropped, 2 unanswerable, ${devQueries.length} development-set questions), ar and en, round robin, one core, closed loop, ${seconds} s per side and size`,
      'baseline: wink-bm25-text-search (BM25F, k1 1.2, b 0.75) over the same one-document-per-topic corpus (questions/titles/keywords weight 1, answers 0.45), tokenized by the project analyzer (src/knowledge/analyzer.ts: Arabic normalization, synonyms, light stemming, stop words); it replies with its top-1 topic, and a top-1 topic marked decline counts as declining',
      `accuracy: ${path.basename(setFile)} (${set.questions.length} questions), judged as npm run eval:faq judges (the reply holds every fact group of the expected topic); "did you mean" counts as not right; out-of-scope questions are counted apart: right when the reply declines, which plain BM25 only does when nothing matches or a decline topic ranks first`,
      `generated topics are guide sections made of the shipped words at their real frequencies; "same reply as shipped-only" is the share of ${sample.length} of the timed queries (every ${Math.ceil(queries.length / SAME_REPLY_SAMPLE)}th) that get the same reply (answer id, suggestions or none) as from the shipped knowledge alone`,
      'no target in the issue for this one: speed and accuracy are shown side by side',
    );
    return { rows, targets: [], notes };
  },
};

/** Times `answer` over the queries, round robin, for about `seconds` (after a short warm-up); returns the seconds spent. */
function measure(answer: Answer, queries: readonly Query[], seconds: number, into: Latencies): number {
  for (let i = 0; i < 300; i += 1) {
    const query = queries[i % queries.length];
    if (query) answer(query.q, query.locale);
  }
  const started = nowMs();
  const until = started + seconds * 1000;
  let now = started;
  for (let i = 0; now < until; i += 1) {
    const query = queries[i % queries.length];
    if (!query) break;
    answer(query.q, query.locale);
    const after = nowMs();
    into.add(after - now);
    now = after;
  }
  return (now - started) / 1000;
}

/** Two half-runs of each side, alternated, so neither gets the quieter half of a busy machine to itself. */
function race(ours: Answer, theirs: Answer, queries: readonly Query[], seconds: number): [Speed, Speed] {
  const sides = [{ answer: ours, latencies: new Latencies(), seconds: 0 }, { answer: theirs, latencies: new Latencies(), seconds: 0 }];
  for (let half = 0; half < 2; half += 1) {
    for (const side of sides) side.seconds += measure(side.answer, queries, seconds / 2, side.latencies);
  }
  const [a, b] = sides.map((s): Speed => ({ qps: s.latencies.count / s.seconds, p50: s.latencies.percentile(0.5), p99: s.latencies.percentile(0.99) }));
  return [a as Speed, b as Speed];
}

function score(set: EvaluationSet, answer: Answer): Promise<EvaluationReport> {
  return evaluate(set, async (q, locale) => answer(q, locale));
}

function outcome(result: AnswerResult): string {
  if (result.kind === 'answer') return `answer:${result.id}`;
  if (result.kind === 'suggest') return `suggest:${result.options.map((o) => o.id).join(',')}`;
  return 'none';
}

/** The locale `evaluate` gives a question: Arabic when it has Arabic letters. */
const localeOf = (q: string): Locale => (hasArabic(q) ? 'ar' : 'en');

/** Spreads the shorter list through the longer one, so every stretch of the timed loop has both kinds. */
function interleave(a: readonly Query[], b: readonly Query[]): Query[] {
  const out: Query[] = [];
  const step = b.length === 0 ? Infinity : a.length / b.length;
  let next = 0;
  for (const [i, query] of a.entries()) {
    out.push(query);
    while (next < b.length && i + 1 >= (next + 1) * step) out.push(b[next++] as Query);
  }
  while (next < b.length) out.push(b[next++] as Query);
  return out;
}

const pct = (n: number, d: number): number => (d === 0 ? 0 : (100 * n) / d);
