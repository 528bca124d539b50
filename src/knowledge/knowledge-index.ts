import { normalizeArabic } from '../text/normalize.js';
import { Analyzer } from './analyzer.js';
import { Bm25Index, type Bm25Document } from './bm25-index.js';
import type { KnowledgeEntry } from './entry.js';

/** One thing that can be answered: an FAQ id (with its versions in each language) or a guide section. */
export type Topic = { key: string; entries: KnowledgeEntry[] };

/** A topic as a question scores against it. */
export type TopicMatch = {
  topic: Topic;
  /** BM25+ of the topic's document ({@link Bm25Index}). */
  score: number;
  /** Share of the question's meaning (IDF-weighted terms) the topic's texts contain, 0…1. */
  coverage: number;
  /** The question has exactly the words of one of the topic's phrasings ("عن الجمعية"). */
  exact: boolean;
};

/** Questions weigh more than answer text: a phrasing is what someone asks, an answer only mentions things. */
const ANSWER_BOOST = 0.45;

/** A term in more than this share of topics (and at least MIN_PRUNED_DF of them) is not searched for. */
const PRUNED_SHARE = 0.1;
const MIN_PRUNED_DF = 40;

/** Only the best-scoring topics are weighed further; the rest cannot become an answer or a suggestion. */
const MAX_CANDIDATES = 20;

/** A word found with one typo weighs this much of the word itself (before a small length discount). */
const TYPO_WEIGHT = 0.6;

/**
 * The searchable form of the knowledge: a BM25+ index ({@link Bm25Index}) with one document per
 * topic — every question phrasing, title and keyword in one field, the answers in another, analyzed by
 * {@link Analyzer} — plus how many topics use each term, so a match can say how much of a question
 * it explains (`coverage`). Immutable: a reload builds a new one and swaps it in.
 */
export class KnowledgeIndex {
  readonly analyzer: Analyzer;
  readonly topics: Topic[];
  private readonly search: Bm25Index;
  /** How many topics use each term (questions or answers). */
  private readonly documentFrequency: ReadonlyMap<string, number>;
  private readonly byTitle = new Map<string, number>();
  /** Topics by the sorted, distinct terms of each of their question phrasings. */
  private readonly byPhrasing = new Map<string, Set<number>>();

  constructor(entries: readonly KnowledgeEntry[], synonyms: readonly (readonly string[])[]) {
    this.analyzer = new Analyzer(synonyms);
    this.topics = groupTopics(entries);
    const docs: Bm25Document[] = [];
    for (const [index, topic] of this.topics.entries()) {
      const questions: string[] = [];
      const answers: string[] = [];
      for (const entry of topic.entries) {
        for (const question of [entry.title, ...entry.questions, entry.keywords.join(' ')]) questions.push(...this.phrasingTerms(index, question));
        answers.push(...this.analyzer.terms(entry.answer));
        this.byTitle.set(normalizeArabic(entry.title), index);
      }
      docs.push({ q: questions, a: answers });
    }
    this.search = new Bm25Index(docs, { answerBoost: ANSWER_BOOST, typoWeight: TYPO_WEIGHT });
    this.documentFrequency = this.search.documentFrequency;
  }

  /** The topic whose title is exactly this text (a "did you mean" button sends the title back). */
  byExactTitle(text: string): Topic | null {
    const index = this.byTitle.get(normalizeArabic(text));
    return index === undefined ? null : (this.topics[index] ?? null);
  }

  /**
   * The topics a question matches, best first. Terms the index has never seen are looked up with
   * one typo allowed (long words only), so a misspelling still finds its word.
   */
  match(question: string, limit = 5): { terms: string[]; matches: TopicMatch[] } {
    const groups = dedupeGroups(this.analyzer.termGroups(question));
    const terms = groups.map((g) => g[0] ?? '');
    if (groups.length === 0) return { terms, matches: [] };
    const all = [...new Set(groups.flat())];
    // Words in a large share of a big knowledge base (its "association", "request") rank nothing
    // and cost the most to score: they are left out of the search and still count in coverage.
    const maxDf = Math.max(MIN_PRUNED_DF, this.topics.length * PRUNED_SHARE);
    const telling = all.filter((term) => (this.documentFrequency.get(term) ?? 0) <= maxDf);
    const searched = telling.length > 0 ? telling : all;
    const results = this.search.search(searched, MAX_CANDIDATES, {
      typos: (term) => (this.documentFrequency.has(term) || term.length < 5 ? 0 : 1),
      unscored: all.filter((term) => !searched.includes(term)),
    });
    const exactTopics = this.byPhrasing.get(termKey(terms)) ?? new Set<number>();
    // In a long message, words the knowledge never uses are mostly the story around the question;
    // in a short one, an unknown word is usually the subject itself. Weigh them accordingly.
    const unknownWeight = groups.length <= 4 ? 1 : Math.max(0.3, 1 - (groups.length - 4) * 0.12);
    const weight = (group: string[]) => {
      const known = group.find((term) => this.documentFrequency.has(term));
      return known ? this.idf(known) : this.idf(group[0] ?? '') * unknownWeight;
    };
    const weights = groups.map(weight);
    const total = weights.reduce((sum, w) => sum + w, 0);
    const matches: TopicMatch[] = [];
    for (const result of results) {
      const topic = this.topics[result.doc];
      if (!topic) continue;
      const has = (term: string) => result.terms.includes(term);
      const covered = groups.reduce((sum, group, g) => (group.some(has) ? sum + (weights[g] ?? 0) : sum), 0);
      matches.push({ topic, score: result.score, coverage: total > 0 ? Math.min(1, covered / total) : 0, exact: exactTopics.has(result.doc) });
    }
    matches.sort((a, b) => rank(b) - rank(a));
    return { terms, matches: matches.slice(0, limit) };
  }

  /** How telling a term is: rare across topics → high; a term no topic has → the highest. */
  private idf(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log((this.topics.length + 1) / (df + 0.5));
  }

  /** A phrasing's terms, remembered for its topic (exact-phrasing lookup). */
  private phrasingTerms(topic: number, text: string): string[] {
    const groups = this.analyzer.termGroups(text);
    const terms = groups.flat();
    if (terms.length === 0) return terms;
    const key = termKey(groups.map((g) => g[0] ?? ''));
    this.byPhrasing.set(key, (this.byPhrasing.get(key) ?? new Set()).add(topic));
    return terms;
  }
}

/**
 * BM25+ ranks, tempered by coverage: a topic that scores on one rare word but explains little of
 * the question falls behind one that explains all of it.
 */
export const rank = (m: TopicMatch): number => m.score * (0.25 + m.coverage) * (m.exact ? 2 : 1);

const termKey = (terms: readonly string[]): string => [...new Set(terms)].sort().join(' ');

/** One group per distinct word: a question that repeats a word weighs it once. */
function dedupeGroups(groups: string[][]): string[][] {
  const seen = new Set<string>();
  return groups.filter((group) => {
    const key = group[0] ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function groupTopics(entries: readonly KnowledgeEntry[]): Topic[] {
  const topics = new Map<string, Topic>();
  for (const entry of entries) {
    const key = entry.origin === 'faq' ? entry.id : `${entry.id}@${entry.locale}`;
    const topic = topics.get(key) ?? { key, entries: [] };
    topic.entries.push(entry);
    topics.set(key, topic);
  }
  return [...topics.values()];
}
