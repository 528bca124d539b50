import type { TurnData } from '../bot/turn-data.js';
import type { QuietHours } from '../config/config.js';
import type { Store } from '../store/types.js';
import { nextAllowedTime } from './quiet-hours.js';

/** While a person owns the conversation, a held message looks again this much later. */
export const WITH_PERSON_RECHECK_MS = 15 * 60_000;

export type HoldReason = 'with_person' | 'quiet_hours';

/**
 * Whether a message the bot sends on its own must wait, judged on the conversation as it is now
 * (inside its turn lock): while a person owns it or the beneficiary waits for one, and through
 * quiet hours and Friday prayer. Returns when to look again, or null to send now. A conversation
 * whose handoff was closed from the console is the bot's again, whatever status a turn saved.
 */
export async function holdFor(
  turn: TurnData,
  deps: { store: Store; quietHours: QuietHours | null; now: () => number },
): Promise<{ reason: HoldReason; untilMs: number } | null> {
  const now = deps.now();
  if (turn.status === 'waiting' || turn.status === 'human') {
    const open = await deps.store.handoffs.findOpenByConversation(turn.conversation.id);
    if (open) return { reason: 'with_person', untilMs: now + WITH_PERSON_RECHECK_MS };
    turn.status = 'bot';
  }
  const allowed = nextAllowedTime(now, deps.quietHours);
  return allowed > now ? { reason: 'quiet_hours', untilMs: allowed } : null;
}
