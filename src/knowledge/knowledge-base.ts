import fs from 'node:fs';
import type { Answerer, AnswerResult } from '../bot/answerer.js';
import { KnowledgeValidationError } from '../errors/knowledge-error.js';
import type { Locale } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import { decide, DEFAULT_THRESHOLDS, type Thresholds } from './knowledge-answerer.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { loadKnowledge, type KnowledgeSources } from './load-knowledge.js';

/** How long file changes settle before a reload (an editor writes a file in several steps). */
const RELOAD_DEBOUNCE_MS = 300;

/**
 * The bot's knowledge: loaded and checked at start-up (a broken file stops start-up), answerable at
 * once, and reloaded when its files change or on command. A reload that finds a broken file keeps
 * the knowledge in use and logs every problem with its file and line.
 */
export class KnowledgeBase implements Answerer {
  private index: KnowledgeIndex;
  private watchers: fs.FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sources: KnowledgeSources,
    private readonly logger: Logger,
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
  ) {
    this.index = build(sources);
  }

  get size(): number {
    return this.index.topics.length;
  }

  async answer(text: string, locale: Locale): Promise<AnswerResult> {
    return decide(this.index, text, locale, this.thresholds);
  }

  /** Reads the files again; returns false (and keeps the current knowledge) when they have problems. */
  reload(): boolean {
    try {
      this.index = build(this.sources);
      this.logger.info({ event: 'knowledge.reloaded', topics: this.index.topics.length }, 'knowledge reloaded');
      return true;
    } catch (error) {
      if (!(error instanceof KnowledgeValidationError)) throw error;
      this.logger.error({ event: 'knowledge.reload_failed', problems: error.problems }, error.message);
      return false;
    }
  }

  /** Reloads when a knowledge file changes; the guide folders are created if missing so they can be watched. */
  watch(): void {
    const dirs = [this.sources.builtinDir, ...this.sources.guideDirs];
    for (const dir of dirs) {
      fs.mkdirSync(dir, { recursive: true });
      const watcher = fs.watch(dir, { recursive: true }, () => this.scheduleReload());
      watcher.on('error', (error) => this.logger.warn({ err: error, event: 'knowledge.watch_failed', dir }, 'cannot watch a knowledge folder'));
      this.watchers.push(watcher);
    }
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private scheduleReload(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reload();
    }, RELOAD_DEBOUNCE_MS);
    this.timer.unref();
  }
}

function build(sources: KnowledgeSources): KnowledgeIndex {
  const { entries, synonyms } = loadKnowledge(sources);
  return new KnowledgeIndex(entries, synonyms);
}
