import type { Locale } from '../i18n/i18n.js';

/** A knowledge-base answer with its entry id and match score (sent to clients as `channelData.faq`). */
export type Answer = { id: string; score: number; text: string };

/**
 * Answers a free-text question, or returns null when it has no confident answer (the bot then says
 * so honestly instead of guessing). The knowledge base plugs in here.
 */
export interface Answerer {
  answer(text: string, locale: Locale): Promise<Answer | null>;
}

/** Answers nothing: the bot falls back to its menu. */
export const noAnswers: Answerer = { answer: async () => null };
