import type { TurnContext } from 'botbuilder-core';
import type { SendLane } from './pacer.js';

/** Marks a context whose sends the bot starts on its own; read by the adapters that pace. */
const BULK_SENDS = Symbol('injab.bulkSends');

/**
 * Marks this context's sends as the bot's own — a survey, a reminder, a status notice — so a paced
 * channel lets replies to people talking now go first (`Pacer.take`). A turn's answers and staff
 * replies are left unmarked.
 */
export function sendInBulk(context: TurnContext): void {
  context.turnState.set(BULK_SENDS, true);
}

/** The pacing lane of this context's sends. */
export function laneOf(context: TurnContext): SendLane {
  return context.turnState.get(BULK_SENDS) === true ? 'bulk' : 'reply';
}
