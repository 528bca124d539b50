import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../../src/i18n/i18n.js';
import type { KnowledgeEntry } from '../../src/knowledge/entry.js';
import { evaluationSetSchema, type EvaluationSet } from '../../src/knowledge/evaluate.js';
import { loadKnowledge, type KnowledgeContent } from '../../src/knowledge/load-knowledge.js';
import { ROOT } from './app-process.js';

/**
 * The FAQ benchmark's material: the shipped knowledge, grown to N topics with generated entries made
 * of its own words, the questions to time, and the development set to score. Deterministic, so two
 * runs search the same corpus with the same queries.
 */

export type Query = { q: string; locale: Locale };

/** The knowledge shipped in `knowledge/` (FAQ in both languages and the synonyms), without staff guides. */
export function shippedKnowledge(): KnowledgeContent {
  return loadKnowledge({ builtinDir: path.join(ROOT, 'knowledge'), guideDirs: [] });
}

/**
 * Where the development set is: `FAQ_DEV_SET`, else the shared `datasets/faq-dev.json` beside the
 * checkout, else the held-out set kept in the repository.
 */
export function developmentSetPath(): string {
  const candidates = [process.env.FAQ_DEV_SET, path.join(ROOT, '..', 'shared', 'datasets', 'faq-dev.json'), path.join(ROOT, 'tests', 'fixtures', 'faq-heldout.json')];
  const found = candidates.find((file): file is string => file !== undefined && file !== '' && fs.existsSync(file));
  if (!found) throw new Error(`no FAQ development set: set FAQ_DEV_SET or put faq-dev.json in ${path.join(ROOT, '..', 'shared', 'datasets')}`);
  return found;
}

export function readEvaluationSet(file: string): EvaluationSet {
  return evaluationSetSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Questions as beneficiaries vary them: each shipped phrasing with one word dropped (when it has
 * more than three), plus two the knowledge cannot answer.
 */
export function queriesFrom(entries: readonly KnowledgeEntry[]): Query[] {
  const out: Query[] = [];
  for (const entry of entries) {
    if (entry.origin !== 'faq') continue;
    for (const [i, question] of entry.questions.entries()) {
      const words = question.split(' ');
      out.push({ q: words.length > 3 ? words.filter((_, w) => w !== i % words.length).join(' ') : question, locale: entry.locale });
    }
  }
  out.push({ q: 'كم سعر التحليل في المستشفى الخاص', locale: 'ar' }, { q: 'what is the weather tomorrow in khobar', locale: 'en' });
  return out;
}

/**
 * `count` deterministic extra entries made of the shipped knowledge's own words, drawn as often as
 * they occur there (common words common, rare words rare), so the vocabulary overlaps like real
 * guides would: each has a title, ten question phrasings of 4–8 words and a 40-word answer; one in
 * three is English. They are guide sections (one topic per entry), as staff-added knowledge would be.
 */
export function generatedEntries(shipped: readonly KnowledgeEntry[], count: number): KnowledgeEntry[] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const words = { ar: wordsOf(shipped, 'ar'), en: wordsOf(shipped, 'en') };
  const pick = (locale: Locale, n: number) => Array.from({ length: n }, () => words[locale][Math.floor(random() * words[locale].length)] ?? '').join(' ');
  return Array.from({ length: Math.max(0, count) }, (_, i): KnowledgeEntry => {
    const locale: Locale = i % 3 === 0 ? 'en' : 'ar';
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

/** The shipped entries plus generated ones, so the index has `topics` topics (a shipped FAQ id in both languages is one topic). */
export function grownTo(shipped: readonly KnowledgeEntry[], topics: number): KnowledgeEntry[] {
  const shippedTopics = new Set(shipped.map((e) => (e.origin === 'faq' ? e.id : `${e.id}@${e.locale}`))).size;
  return [...shipped, ...generatedEntries(shipped, topics - shippedTopics)];
}

/** Every word occurrence (not distinct words): picking uniformly from it follows the real frequencies. */
function wordsOf(entries: readonly KnowledgeEntry[], locale: Locale): string[] {
  return entries.filter((e) => e.locale === locale).flatMap((e) => `${e.answer} ${e.questions.join(' ')}`.split(/\s+/));
}
