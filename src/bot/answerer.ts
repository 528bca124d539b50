import type { Locale } from '../i18n/i18n.js';

/** A knowledge-base answer with its entry id and confidence (sent to clients as `channelData.faq`). */
export type Answer = {
  kind: 'answer';
  id: string;
  /** Confidence 0…1. */
  score: number;
  text: string;
  /** Set when the answer is drawn from a guide: the reply cites it. */
  source?: { guide: string; section?: string };
  /** The reply offers a social researcher (a button), e.g. when the procedure is unclear. */
  offerPerson?: boolean;
  /** The reply offers to start this flow (a button whose text is one of its trigger phrases). */
  offerFlow?: string;
};

/** Close calls: up to three topics the question may mean, offered as "did you mean" buttons. */
export type Suggestions = { kind: 'suggest'; options: { id: string; title: string; score: number }[] };

/**
 * Nothing known answers it; `understood` is false when the message had no searchable words at all.
 * `explanation` says why, when the question is of a kind the association does not answer (medical advice).
 */
export type NoAnswer = { kind: 'none'; understood: boolean; explanation?: { id: string; text: string } };

export type AnswerResult = Answer | Suggestions | NoAnswer;

/**
 * Answers a free-text question from what the association has written — or says it cannot: the bot
 * then admits it honestly and offers a person, never a confident guess. The knowledge base plugs in here.
 */
export interface Answerer {
  answer(text: string, locale: Locale): Promise<AnswerResult>;
}

/** Answers nothing (for tests of everything else). */
export const noAnswers: Answerer = { answer: async () => ({ kind: 'none', understood: false }) };
