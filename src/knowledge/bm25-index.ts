import SearchableMap from 'minisearch/SearchableMap';

/** One document: its question terms (titles, phrasings, keywords) and its answer terms, duplicates kept. */
export type Bm25Document = { q: readonly string[]; a: readonly string[] };

/** A document a search found. */
export type Bm25Hit = {
  doc: number;
  /** The BM25+ sum over the query terms it has, times how many of them it has. */
  score: number;
  /** The query terms it has (a misspelled one through the word it was taken for), then the unscored ones it has. */
  terms: string[];
};

export type Bm25SearchOptions = {
  /** How many edits a term no document has may be away from the words it is taken for (0: none). */
  typos?: (term: string) => number;
  /** Terms that do not score (too common to rank anything) but a hit still reports in `terms` when its document has them. */
  unscored?: readonly string[];
};

export type Bm25Options = {
  /** How much an answer-field occurrence weighs beside a question-field one (1). */
  answerBoost: number;
  /** How much a word found with a typo weighs beside the word itself, before the length discount. */
  typoWeight: number;
};

/**
 * Where a term occurs: the documents (those with it among their questions in ascending order, then
 * those with it only in their answers, also ascending) and its BM25+ score in each field (0 when the
 * field does not have it), computed once at build since the index never changes.
 */
type Postings = { docs: Int32Array; inQuestions: number; q: Float64Array; a: Float64Array };

/** BM25+ as MiniSearch scores it (k1 1.2, b 0.7, δ 0.5): the answer thresholds were calibrated on these scores. */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;

/**
 * A two-field BM25+ index over flat postings, built for a knowledge base that is searched far more
 * often than it changes. It scores exactly as MiniSearch 7 did with the same options (the same
 * formula, field boost, typo weight and "score × matched query terms"; the same tie order), so
 * answers did not move when it replaced MiniSearch; what changed is the cost. MiniSearch built an
 * object per posting and sorted every document that shared a word with the question: with 5,000
 * topics, a question whose words are all common («شلون اقدم طلب») touched 4,000 of them and took
 * 10–15 ms. Here a question adds precomputed scores into one reused array and keeps the best
 * `limit` in a short sorted list, so it costs a pass over the postings and nothing more.
 *
 * Not safe to call from two searches at once (it reuses its scratch arrays); JavaScript never does.
 *
 * @example
 * const index = new Bm25Index([{ q: ['تطوع', 'جمعيه'], a: ['فرص', 'تطوع'] }], { answerBoost: 0.45, typoWeight: 0.6 });
 * index.search(['تطوع'], 5); // [{ doc: 0, score: …, terms: ['تطوع'] }]
 */
export class Bm25Index {
  private readonly postings = new Map<string, Postings>();
  /** The terms again in MiniSearch's radix tree, inserted in the same order, so typo look-ups find the same words in the same order. */
  private readonly spellings = new SearchableMap<Postings>();
  /** Scratch for one search: each document's score sum and matched terms, and which documents it reached (the first `reached`). */
  private readonly touched: Int32Array;
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  private reached = 0;
  /** How many documents have each term, in either field. */
  readonly documentFrequency: ReadonlyMap<string, number>;

  constructor(
    documents: readonly Bm25Document[],
    private readonly options: Bm25Options,
  ) {
    const count = documents.length;
    const fields = { q: new FieldStats(count), a: new FieldStats(count) };
    const terms = new Map<string, { q: TermCounts; a: TermCounts }>();
    for (const [doc, document] of documents.entries()) {
      for (const field of ['q', 'a'] as const) {
        fields[field].add(doc, document[field]);
        for (const term of document[field]) {
          const counts = terms.get(term) ?? { q: { docs: [], counts: [] }, a: { docs: [], counts: [] } };
          terms.set(term, counts);
          countIn(counts[field], doc);
        }
      }
    }
    const inAnswers = new Int32Array(count).fill(-1);
    const documentFrequency = new Map<string, number>();
    for (const [term, { q, a }] of terms) {
      const postings = merge(q, a, fields, inAnswers);
      this.postings.set(term, postings);
      this.spellings.set(term, postings);
      documentFrequency.set(term, postings.docs.length);
    }
    this.documentFrequency = documentFrequency;
    this.scores = new Float64Array(count);
    this.matched = new Uint16Array(count);
    this.touched = new Int32Array(count);
  }

  /**
   * The `limit` best documents having any of the terms, best first by BM25+ sum × matched terms
   * (ties in the order the terms first reach them), each with the terms it has. A term no document
   * has is looked up with up to `typos(term)` edits.
   */
  search(terms: readonly string[], limit: number, { typos = () => 0, unscored = [] }: Bm25SearchOptions = {}): Bm25Hit[] {
    /** Each query term with the postings it reached documents through (a misspelled one: its near words'). */
    const sources: { term: string; postings: Postings[] }[] = [];
    let best: { doc: number; score: number }[];
    try {
      for (const term of new Set(terms)) {
        const postings = this.postings.get(term);
        if (postings) {
          this.addPostings(postings);
          sources.push({ term, postings: [postings] });
          continue;
        }
        const near = this.nearWords(term, typos(term));
        for (const [doc, score] of this.typoScores(near)) this.add(doc, score);
        if (near.length > 0) sources.push({ term, postings: near.map((word) => word.postings) });
      }
      best = this.best(limit);
    } finally {
      this.clear();
    }
    for (const term of unscored) {
      const postings = this.postings.get(term);
      if (postings) sources.push({ term, postings: [postings] });
    }
    return best.map(({ doc, score }) => ({ doc, score, terms: sources.filter((s) => s.postings.some((p) => holds(p, doc))).map((s) => s.term) }));
  }

  /** Adds a term's score in each document that has it: most of a search's time is spent here. */
  private addPostings({ docs, q, a }: Postings): void {
    const boost = this.options.answerBoost;
    // In bounds by construction, hence `as number` (no checks in the hot loop).
    for (let i = 0; i < docs.length; i += 1) this.add(docs[i] as number, (q[i] as number) + boost * (a[i] as number));
  }

  /** Adds one query term's score to a document's sum, and counts the term. */
  private add(doc: number, score: number): void {
    this.scores[doc] = (this.scores[doc] as number) + score;
    const matched = this.matched[doc] as number;
    this.matched[doc] = matched + 1;
    if (matched === 0) this.touched[this.reached++] = doc;
  }

  private clear(): void {
    if (this.reached > this.scores.length / 8) {
      // A question of common words reaches most documents: one fill is cheaper than a visit to each.
      this.scores.fill(0);
      this.matched.fill(0);
      this.reached = 0;
      return;
    }
    for (let i = 0; i < this.reached; i += 1) {
      const doc = this.touched[i] as number;
      this.scores[doc] = 0;
      this.matched[doc] = 0;
    }
    this.reached = 0;
  }

  /** The best `limit` documents reached, by score × matched terms; a later one ranks after an equal earlier one. */
  private best(limit: number): { doc: number; score: number }[] {
    const best: { doc: number; score: number }[] = [];
    let worst = -Infinity;
    for (let i = 0; i < this.reached; i += 1) {
      const doc = this.touched[i] as number;
      const score = (this.scores[doc] as number) * (this.matched[doc] as number);
      if (best.length === limit && score <= worst) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1]?.score ?? Infinity) < score) at -= 1;
      best.splice(at, 0, { doc, score });
      if (best.length > limit) best.pop();
      worst = best[best.length - 1]?.score ?? -Infinity;
    }
    return best;
  }

  /** The words one or more edits (up to `maxTypos`) from a word no document has. */
  private nearWords(term: string, maxTypos: number): { word: string; distance: number; postings: Postings }[] {
    if (maxTypos <= 0) return [];
    const near: { word: string; distance: number; postings: Postings }[] = [];
    for (const [word, [postings, distance]] of this.spellings.fuzzyGet(term, maxTypos)) if (distance > 0) near.push({ word, distance, postings });
    return near;
  }

  /**
   * Each document's score for a misspelled word: summed over its near words (weighted down by the
   * edits), field by field, in the order MiniSearch added them, so the sums come out the same.
   */
  private typoScores(near: readonly { word: string; distance: number; postings: Postings }[]): Map<number, number> {
    const scores = new Map<number, number>();
    for (const { word, distance, postings } of near) {
      const weight = (this.options.typoWeight * word.length) / (word.length + distance);
      const { docs, q, a } = postings;
      for (let i = 0; i < docs.length; i += 1) {
        const doc = docs[i] as number;
        const score = (scores.get(doc) ?? 0) + weight * (q[i] as number);
        scores.set(doc, score + weight * this.options.answerBoost * (a[i] as number));
      }
    }
    return scores;
  }
}

/** One field's documents with a term (ascending) and how often each has it. */
type TermCounts = { docs: number[]; counts: number[] };

function countIn(counts: TermCounts, doc: number): void {
  const last = counts.docs.length - 1;
  if (counts.docs[last] === doc) counts.counts[last] = (counts.counts[last] ?? 0) + 1;
  else {
    counts.docs.push(doc);
    counts.counts.push(1);
  }
}

/** A field's length in each document (distinct terms) and their running average, computed as MiniSearch did. */
class FieldStats {
  readonly lengths: Float64Array;
  average = 0;

  constructor(count: number) {
    this.lengths = new Float64Array(count);
  }

  add(doc: number, terms: readonly string[]): void {
    // An empty field counts as one term, as MiniSearch counted it; it also keeps the average above 0.
    const length = Math.max(1, new Set(terms).size);
    this.lengths[doc] = length;
    this.average = (this.average * doc + length) / (doc + 1);
  }

  /** BM25+ of a term in this field of a document, as MiniSearch's `calcBM25Score`. */
  score(frequency: number, documentsWithTerm: number, documentCount: number, doc: number): number {
    const idf = Math.log(1 + (documentCount - documentsWithTerm + 0.5) / (documentsWithTerm + 0.5));
    const norm = K1 * (1 - B + (B * (this.lengths[doc] ?? 1)) / this.average);
    return idf * (DELTA + (frequency * (K1 + 1)) / (frequency + norm));
  }
}

/**
 * A term's postings from its counts in each field: the documents with it among their questions,
 * then those with it only in their answers (`inAnswers` is scratch, all -1 before and after).
 */
function merge(q: TermCounts, a: TermCounts, fields: { q: FieldStats; a: FieldStats }, inAnswers: Int32Array): Postings {
  const count = inAnswers.length;
  for (const [at, doc] of a.docs.entries()) inAnswers[doc] = at;
  const docs: number[] = [];
  const scores: { q: number[]; a: number[] } = { q: [], a: [] };
  const push = (doc: number, qScore: number, aAt: number) => {
    docs.push(doc);
    scores.q.push(qScore);
    scores.a.push(aAt < 0 ? 0 : fields.a.score(a.counts[aAt] ?? 0, a.docs.length, count, doc));
  };
  for (const [at, doc] of q.docs.entries()) {
    const aAt = inAnswers[doc] ?? -1;
    push(doc, fields.q.score(q.counts[at] ?? 0, q.docs.length, count, doc), aAt);
    if (aAt >= 0) inAnswers[doc] = -2;
  }
  for (const [at, doc] of a.docs.entries()) {
    if (inAnswers[doc] !== -2) push(doc, 0, at);
    inAnswers[doc] = -1;
  }
  return { docs: Int32Array.from(docs), inQuestions: q.docs.length, q: Float64Array.from(scores.q), a: Float64Array.from(scores.a) };
}

/** Whether a term's postings have the document: two ascending runs, each searched by halves. */
function holds({ docs, inQuestions }: Postings, doc: number): boolean {
  return inRun(docs, 0, inQuestions, doc) || inRun(docs, inQuestions, docs.length, doc);
}

function inRun(docs: Int32Array, from: number, to: number, doc: number): boolean {
  let low = from;
  let high = to - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = docs[middle] ?? -1;
    if (value === doc) return true;
    if (value < doc) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
