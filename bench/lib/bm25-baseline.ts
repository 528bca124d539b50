import { createRequire } from 'node:module';
import type { AnswerResult } from '../../src/bot/answerer.js';
import type { Locale } from '../../src/i18n/i18n.js';
import type { Analyzer } from '../../src/knowledge/analyzer.js';
import type { KnowledgeEntry } from '../../src/knowledge/entry.js';
import type { Topic } from '../../src/knowledge/knowledge-index.js';

/** The part of wink-bm25-text-search (CommonJS, untyped) the baseline uses. */
type WinkBm25 = {
  defineConfig(config: { fldWeights: Record<string, number>; bm25Params?: { k1?: number; b?: number; k?: number } }): void;
  definePrepTasks(tasks: ((input: string) => string[])[]): number;
  addDoc(doc: Record<string, string>, id: number): void;
  consolidate(fp?: number): void;
  search(text: string, limit?: number): [string, number][];
};

const require = createRequire(import.meta.url);
const createEngine = require('wink-bm25-text-search') as () => WinkBm25;

/**
 * The FAQ benchmark's baseline: a plain BM25F library (wink-bm25-text-search) over the same
 * documents as the project's index — one per topic, its titles, question phrasings and keywords in
 * one field and its answers in another (weighted 1 and 0.45, as the project does) — tokenized by the
 * project's own {@link Analyzer}, so both search the same terms. It answers with its top-1 topic,
 * always: no coverage, no margins, no "did you mean", no declining beyond what the knowledge itself
 * says (a top-1 topic marked `decline` is a decline, as in the project).
 */
export class Bm25Baseline {
  private readonly engine: WinkBm25;

  constructor(
    private readonly topics: readonly Topic[],
    analyzer: Analyzer,
  ) {
    this.engine = createEngine();
    this.engine.defineConfig({ fldWeights: { q: 1, a: 0.45 } });
    this.engine.definePrepTasks([(text) => analyzer.terms(text)]);
    for (const [index, topic] of topics.entries()) {
      const q = topic.entries.flatMap((e) => [e.title, ...e.questions, e.keywords.join(' ')]).join('\n');
      this.engine.addDoc({ q, a: topic.entries.map((e) => e.answer).join('\n') }, index);
    }
    this.engine.consolidate();
  }

  /** The top-1 topic's entry in the question's language, as the bot would reply with it. */
  answer(text: string, locale: Locale): AnswerResult {
    const [top] = this.engine.search(text, 1);
    const topic = top ? this.topics[Number(top[0])] : undefined;
    if (!top || !topic) return { kind: 'none', understood: false };
    const entry: KnowledgeEntry | undefined = topic.entries.find((e) => e.locale === locale) ?? topic.entries[0];
    if (!entry || entry.decline) return { kind: 'none', understood: true };
    return { kind: 'answer', id: entry.id, score: top[1], text: entry.answer };
  }
}
