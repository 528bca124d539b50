import type { AnswerResult } from '../bot/answerer.js';
import type { Locale } from '../i18n/i18n.js';
import type { KnowledgeEntry } from './entry.js';
import { rank, type KnowledgeIndex, type Topic, type TopicMatch } from './knowledge-index.js';

/**
 * Where answering turns into suggesting and suggesting into "I don't know". Calibrated on the
 * development set (`npm run eval:faq`); coverage is the share of the question's meaning a topic
 * explains, so a question with words the knowledge has never seen ("سعر", "نكتة") falls short.
 */
export type Thresholds = {
  /** Answer when the best topic explains at least this much of the question… */
  answer: number;
  /** …and scores at least this share higher (BM25) than the next topic (otherwise it is a close call). */
  margin: number;
  /** Offer a topic as "did you mean" from this coverage. */
  suggest: number;
  /** Also answer from this coverage when the best topic is far ahead (the next ranks at most `leadRatio` of it). */
  leadCoverage: number;
  leadRatio: number;
  /**
   * A declining topic (medical advice, off-topic) ranking at least this share of the best one makes
   * the bot decline: near a kind of question the association does not answer, honesty wins.
   */
  declineNear: number;
};

export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.3, margin: 0.1, suggest: 0.25, leadCoverage: 0.25, leadRatio: 0.4, declineNear: 0.6 };

const MAX_SUGGESTIONS = 3;

/** Decides what to reply to a question, in the conversation's language, from an index. */
export function decide(index: KnowledgeIndex, text: string, locale: Locale, thresholds: Thresholds = DEFAULT_THRESHOLDS): AnswerResult {
  const titled = index.byExactTitle(text);
  if (titled) return answerOf(titled, 1, locale);
  const { terms, matches } = index.match(text);
  const [best, second] = matches;
  if (!best || best.coverage < thresholds.suggest) return { kind: 'none', understood: terms.length > 0 };
  if (isDecline(best.topic)) return answerOf(best.topic, best.coverage, locale);
  const decliner = matches.find((m) => isDecline(m.topic) && m.coverage >= thresholds.suggest && rank(m) >= rank(best) * thresholds.declineNear);
  if (decliner && !best.exact) return answerOf(decliner.topic, decliner.coverage, locale);
  const clearLead = !second || (best.exact && !second.exact) || rank(second) <= rank(best) * (1 - thresholds.margin) || sameTopic(best, second);
  if (best.coverage >= thresholds.answer && clearLead) return answerOf(best.topic, best.coverage, locale);
  const farAhead = !second || rank(second) <= rank(best) * thresholds.leadRatio;
  if (best.coverage >= thresholds.leadCoverage && farAhead) return answerOf(best.topic, best.coverage, locale);
  const options = matches
    .filter((m) => !isDecline(m.topic) && m.coverage >= thresholds.suggest && rank(m) >= rank(best) * 0.6)
    .slice(0, MAX_SUGGESTIONS)
    .map((m) => ({ id: m.topic.key, title: entryFor(m.topic, locale).title, score: round(m.coverage) }));
  return options.length > 0 ? { kind: 'suggest', options } : { kind: 'none', understood: true };
}

function answerOf(topic: Topic, score: number, locale: Locale): AnswerResult {
  const entry = entryFor(topic, locale);
  if (entry.decline) return { kind: 'none', understood: true, explanation: { id: entry.id, text: entry.answer } };
  return {
    kind: 'answer',
    id: entry.id,
    score: round(score),
    text: entry.answer,
    ...(entry.origin === 'guide' ? { source: entry.source } : {}),
    ...(entry.offerPerson ? { offerPerson: true } : {}),
    ...(entry.offerFlow ? { offerFlow: entry.offerFlow } : {}),
  };
}

/** The topic's version in the conversation's language, or the one it has (a guide in one language). */
function entryFor(topic: Topic, locale: Locale): KnowledgeEntry {
  const entry = topic.entries.find((e) => e.locale === locale) ?? topic.entries[0];
  if (!entry) throw new Error(`topic ${topic.key} has no entries`);
  return entry;
}

const sameTopic = (a: TopicMatch, b: TopicMatch) => a.topic.key === b.topic.key;
const isDecline = (topic: Topic) => topic.entries.some((e) => e.decline === true);
const round = (n: number) => Math.round(n * 100) / 100;
