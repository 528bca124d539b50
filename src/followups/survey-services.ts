import { z } from 'zod';
import type { ServiceRegistry } from '../bot/services.js';

const recordArgs = z.object({
  survey_id: z.string().min(1),
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(2000).optional(),
});

/** Score at or below which a supervisor is asked to follow up with the beneficiary. */
export const LOW_RATING = 2;

/**
 * The survey flow's service: `record_survey` stores the rating (as soon as it is given) and later the
 * comment on the survey the bot sent; only a survey of this conversation can be answered. A rating
 * of 1–2 opens a follow-up for a supervisor, once.
 */
export function createSurveyServices(options: { onLowRating?: (survey: { id: string; conversationId: string; rating: number }) => Promise<void> } = {}): ServiceRegistry {
  return {
    async record_survey(args, { store, turn }) {
      const parsed = recordArgs.safeParse(args);
      if (!parsed.success) return { recorded: false };
      const survey = await store.surveys.get(parsed.data.survey_id);
      if (!survey || survey.conversationId !== turn.conversation.id) return { recorded: false };
      const low = parsed.data.rating <= LOW_RATING && survey.followUp === null;
      await store.surveys.update(survey.id, {
        rating: parsed.data.rating,
        answeredAt: survey.answeredAt ?? new Date(),
        ...(parsed.data.comment !== undefined ? { comment: parsed.data.comment } : {}),
        // A low score becomes a task for a supervisor (the console's follow-up list).
        ...(low ? { followUp: { state: 'open' as const, openedAt: new Date(), doneBy: null, doneAt: null, note: null } } : {}),
      });
      turn.log.info({ event: 'survey.answered', surveyId: survey.id, rating: parsed.data.rating, comment: parsed.data.comment !== undefined }, 'survey answered');
      if (low) await options.onLowRating?.({ id: survey.id, conversationId: survey.conversationId, rating: parsed.data.rating });
      return { recorded: true };
    },
  };
}
