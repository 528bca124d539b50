import { z } from 'zod';
import type { Locale } from '../i18n/i18n.js';

/**
 * One answerable thing: an FAQ entry written for the bot, or a section of a guide staff added.
 * `source` names the guide (and section) the answer comes from; answers drawn from a guide cite it.
 */
export type KnowledgeEntry = {
  id: string;
  locale: Locale;
  title: string;
  questions: string[];
  keywords: string[];
  answer: string;
  source: { guide: string; section?: string };
  origin: 'faq' | 'guide';
  /**
   * A kind of question the association's knowledge does not cover (medical advice, other
   * institutions): matched only to decline honestly with a fitting explanation, never as an answer.
   */
  decline?: boolean;
  /** The answer comes with a "talk to a staff member" button. */
  offerPerson?: boolean;
  /** The answer comes with a button that starts this flow (its `<flow>.offer` text is a trigger phrase). */
  offerFlow?: string;
  /** Where it was read from, for messages to staff. */
  file: string;
};

const text = z.string().trim().min(1);

/** The shape of `knowledge/<locale>/*.yaml`. */
export const faqFileSchema = z
  .object({
    entries: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected lower_snake_case' }),
            title: text.max(60, { message: 'a title is at most 60 characters (it becomes a button)' }),
            questions: z.array(text).min(1, { message: 'needs at least one question' }),
            keywords: z.array(text).optional(),
            answer: text.max(1500, { message: 'an answer is at most 1500 characters' }),
            source: z.object({ guide: text, section: text.optional() }).strict(),
            decline: z.boolean().optional(),
            /** The answer comes with a "talk to a staff member" button (unclear procedures, asking for a person). */
            offerPerson: z.boolean().optional(),
            /** The answer offers to start a service right here (a flow id, e.g. `volunteer`). */
            offerFlow: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** The shape of `knowledge/synonyms.yaml`: groups of interchangeable words, the first one canonical. */
export const synonymsFileSchema = z.object({ groups: z.array(z.array(text).min(2)) }).strict();
