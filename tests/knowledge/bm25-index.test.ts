import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { Bm25Index, type Bm25Document } from '../../src/knowledge/bm25-index.js';

/** Deterministic documents from a small vocabulary: common and rare words, repeats, and identical twins (ties). */
function corpus(count: number): Bm25Document[] {
  const words = ['طلب', 'تقديم', 'كيف', 'جمعيه', 'تطوع', 'موعد', 'مستندات', 'تبرع', 'ترخيص', 'مستشفي', 'قبول', 'apply', 'donate', 'volunteer'];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // Common words first and often, rare ones seldom: a skewed draw, as in real knowledge.
  const pick = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() ** 2 * words.length)] ?? '');
  const docs = Array.from({ length: count }, () => ({ q: pick(3 + Math.floor(random() * 8)), a: pick(5 + Math.floor(random() * 20)) }));
  return [...docs, ...docs.slice(0, 10)];
}

/** The search the knowledge index ran before `Bm25Index` replaced it: the scores its thresholds were calibrated on. */
function miniSearchOf(docs: readonly Bm25Document[]) {
  const search = new MiniSearch<{ id: number; q: string; a: string }>({ fields: ['q', 'a'], storeFields: [], tokenize: (text) => text.split(' '), processTerm: (term) => term || null });
  search.addAll(docs.map((doc, id) => ({ id, q: doc.q.join(' '), a: doc.a.join(' ') })));
  const known = new Set(docs.flatMap((doc) => [...doc.q, ...doc.a]));
  return (terms: string[]) =>
    search.search(terms.join(' '), {
      combineWith: 'OR',
      boost: { q: 1, a: 0.45 },
      fuzzy: (term) => (known.has(term) || term.length < 5 ? false : 1),
      weights: { fuzzy: 0.6, prefix: 0 },
    });
}

const typos = (index: Bm25Index) => (term: string) => (index.documentFrequency.has(term) || term.length < 5 ? 0 : 1);

describe('Bm25Index', () => {
  const docs = corpus(400);
  const index = new Bm25Index(docs, { answerBoost: 0.45, typoWeight: 0.6 });
  const before = miniSearchOf(docs);

  it.each([
    [['طلب', 'تقديم', 'كيف']],
    [['جمعيه']],
    [['تطوع', 'volunteer', 'مستندات']],
    [['ترخيص', 'مستشفى', 'موعدد']],
    [['مستندا', 'donat', 'applyy', 'قبول']],
    [['nothing', 'at', 'all']],
  ])('scores and orders %j exactly as MiniSearch did, misspellings and ties included', (terms) => {
    const expected = before(terms).map((r) => ({ doc: r.id as number, score: r.score, terms: [...r.queryTerms].sort() }));
    const found = index.search(terms, 10_000, { typos: typos(index) }).map((hit) => ({ ...hit, terms: [...hit.terms].sort() }));
    expect(found).toEqual(expected);
    expect(index.search(terms, 20, { typos: typos(index) }).map((hit) => hit.doc)).toEqual(expected.slice(0, 20).map((r) => r.doc));
  });

  it('reports the terms a hit has: a misspelled one through the word it was taken for, an unscored one too', () => {
    const small = new Bm25Index(
      [
        { q: ['volunteer', 'جمعيه'], a: ['تطوع'] },
        { q: ['donate'], a: ['جمعيه'] },
      ],
      { answerBoost: 0.45, typoWeight: 0.6 },
    );
    const hits = small.search(['volunteeer', 'donate'], 5, { typos: typos(small), unscored: ['جمعيه', 'تطوع'] });
    expect(hits.find((hit) => hit.doc === 0)?.terms).toEqual(['volunteeer', 'جمعيه', 'تطوع']);
    expect(hits.find((hit) => hit.doc === 1)?.terms).toEqual(['donate', 'جمعيه']);
  });

  it('starts each search clean, also after one that failed midway', () => {
    const once = index.search(['طلب', 'تطوع'], 5);
    expect(() =>
      index.search(['طلب', 'مستنداتت'], 5, {
        typos: () => {
          throw new Error('boom');
        },
      }),
    ).toThrow('boom');
    expect(index.search(['طلب', 'تطوع'], 5)).toEqual(once);
  });
});
