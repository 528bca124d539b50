import type { EngineState } from '../flows/engine-types.js';

/**
 * The mark a privacy service puts on its result when the beneficiary's consent is gone (withdrawn, or
 * erased with their data). The bot then clears the conversation's engine state of it — the consent
 * and any flow kept aside — so nothing that needs consent runs on, and a later application asks again.
 */
export const CONSENT_REMOVED = 'consent_removed';

export function removesConsent(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[CONSENT_REMOVED] === true;
}

/** The engine state without the consent and without a flow kept aside (an application a survey interrupted). */
export function withoutConsent(state: EngineState): EngineState {
  const next: EngineState = { ...state, consent: null };
  delete next.suspended;
  return next;
}
