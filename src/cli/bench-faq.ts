/**
 * `npm run bench:faq [-- --topics 1000 --seconds 3]`: queries per second and latency of the
 * question answerer on the shipped knowledge grown to N topics with generated entries, printed
 * side by side with the same queries on the shipped knowledge alone (the baseline).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../app.js';
import type { KnowledgeEntry } from '../knowledge/entry.js';
import { decide } from '../knowledge/knowledge-answerer.js';
import { KnowledgeIndex } from '../knowledge/knowledge-index.js';
import { loadKnowledge } from '../knowledge/load-knowledge.js';

type Run = { label: string; topics: number; queries: number; qps: number; p50: number; p99: number };

function main(): void {
  const { values } = parseArgs({ options: { topics: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '3' } } });
  const target = Number(values.topics);
  const seconds = Number(values.seconds);
  const { entries, synonyms } = loadKnowledge({ builtinDir: path.join(projectRoot(), 'knowledge'), guideDirs: [] });
  const queries = queriesFrom(entries);
  const baseline = new KnowledgeIndex(entries, synonyms);
  const grown = new KnowledgeIndex([...entries, ...generated(entries, target - baseline.topics.length)], synonyms);
  const runs = [measure('shipped knowledge (baseline)', baseline, queries, seconds), measure(`grown to ${grown.topics.length} topics`, grown, queries, seconds)];
  process.stdout.write(`${queries.length} distinct queries (ar + en), one core, ${seconds} s each\n`);
  for (const r of runs) {
    process.stdout.write(`${r.label.padEnd(32)} ${r.topics.toString().padStart(5)} topics  ${Math.round(r.qps).toString().padStart(7)} q/s  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms\n`);
  }
  const [base, big] = runs;
  if (base && big) process.stdout.write(`ratio grown/baseline: throughput ×${(big.qps / base.qps).toFixed(2)}, p99 ×${(big.p99 / base.p99).toFixed(2)}\n`);
  // Growing the knowledge must not change what the shipped questions get.
  const same = queries.filter(({ q, locale }) => outcome(decide(baseline, q, locale)) === outcome(decide(grown, q, locale))).length;
  process.stdout.write(`same reply with and without the generated topics: ${same}/${queries.length} (${((100 * same) / queries.length).toFixed(1)}%)\n`);
}

function outcome(result: ReturnType<typeof decide>): string {
  if (result.kind === 'answer') return `answer:${result.id}`;
  if (result.kind === 'suggest') return `suggest:${result.options.map((o) => o.id).join(',')}`;
  return 'none';
}

function measure(label: string, index: KnowledgeIndex, queries: { q: string; locale: 'ar' | 'en' }[], seconds: number): Run {
  for (let i = 0; i < 300; i += 1) {
    const query = queries[i % queries.length];
    if (query) decide(index, query.q, query.locale);
  }
  const latencies: number[] = [];
  const until = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let now = process.hrtime.bigint();
  const started = now;
  for (let i = 0; now < until; i += 1) {
    const query = queries[i % queries.length];
    if (!query) break;
    decide(index, query.q, query.locale);
    const after = process.hrtime.bigint();
    latencies.push(Number(after - now) / 1e6);
    now = after;
  }
  latencies.sort((a, b) => a - b);
  const elapsed = Number(now - started) / 1e9;
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { label, topics: index.topics.length, queries: latencies.length, qps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

/** Questions as beneficiaries vary them: each phrasing with one word dropped, plus ones the knowledge cannot answer. */
function queriesFrom(entries: KnowledgeEntry[]): { q: string; locale: 'ar' | 'en' }[] {
  const out: { q: string; locale: 'ar' | 'en' }[] = [];
  for (const entry of entries) {
    for (const [i, question] of entry.questions.entries()) {
      const words = question.split(' ');
      out.push({ q: words.length > 3 ? words.filter((_, w) => w !== i % words.length).join(' ') : question, locale: entry.locale });
    }
  }
  out.push({ q: 'كم سعر التحليل في المستشفى الخاص', locale: 'ar' }, { q: 'what is the weather tomorrow in khobar', locale: 'en' });
  return out;
}

/**
 * Deterministic extra entries made of the shipped knowledge's own words, drawn as often as they occur
 * there (common words common, rare words rare), so the vocabulary overlaps like real guides would.
 */
function generated(entries: KnowledgeEntry[], count: number): KnowledgeEntry[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const words = { ar: wordsOf(entries, 'ar'), en: wordsOf(entries, 'en') };
  const pick = (locale: 'ar' | 'en', n: number) => Array.from({ length: n }, () => words[locale][Math.floor(random() * words[locale].length)] ?? '').join(' ');
  return Array.from({ length: Math.max(0, count) }, (_, i): KnowledgeEntry => {
    const locale = i % 3 === 0 ? 'en' : 'ar';
    return {
      id: `generated_${i}`,
      locale,
      title: pick(locale, 3),
      questions: Array.from({ length: 10 }, () => pick(locale, 4 + Math.floor(random() * 5))),
      keywords: [],
      answer: pick(locale, 40),
      source: { guide: 'generated', section: String(i) },
      origin: 'guide',
      file: 'generated',
    };
  });
}

/** Every word occurrence (not distinct words): picking uniformly from it follows the real frequencies. */
function wordsOf(entries: KnowledgeEntry[], locale: 'ar' | 'en'): string[] {
  return entries.filter((e) => e.locale === locale).flatMap((e) => `${e.answer} ${e.questions.join(' ')}`.split(/\s+/));
}

main();
