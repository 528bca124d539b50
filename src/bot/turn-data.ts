import type { TurnContext } from 'botbuilder-core';
import type { EngineState } from '../flows/engine-types.js';
import type { Logger } from '../logging/logger.js';
import type { ContactRecord, ConversationRecord, ConversationStatus } from '../store/types.js';

/**
 * What one turn works on, loaded by the turn runner before the bot runs and saved after it succeeds
 * (never after a failure, so a crashed turn leaves the conversation as it was).
 */
export type TurnData = {
  turnId: string;
  conversation: ConversationRecord;
  contact: ContactRecord | null;
  /** Engine state, changed in place by the bot during the turn. */
  state: EngineState;
  /** The conversation's status at the end of the turn. */
  status: ConversationStatus;
  log: Logger;
};

const TURN_KEY = Symbol.for('injab.turn');

export function setTurnData(context: TurnContext, data: TurnData): void {
  context.turnState.set(TURN_KEY, data);
}

export function getTurnData(context: TurnContext): TurnData {
  const data = context.turnState.get(TURN_KEY) as TurnData | undefined;
  if (!data) throw new Error('turn data missing: turns must run through the TurnRunner');
  return data;
}
