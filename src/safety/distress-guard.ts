import type { Reply } from '../bot/render.js';
import type { TurnData } from '../bot/turn-data.js';
import type { HandoffRecord, Store } from '../store/types.js';
import type { DistressDetector } from './distress.js';

/** The handoff reason that makes a conversation urgent in the staff console. */
export const DISTRESS_REASON = 'distress';

type HandoffNews = (handoff: { id: string; conversationId: string }) => Promise<void>;

export type DistressGuardDependencies = {
  detector: DistressDetector;
  store: Store;
  /** SUPPORT_CONTACT: given in the reply when set; never replaced by a made-up number. */
  supportContact: string | undefined;
  /** A new handoff waits for a person (the console's `handoff.created`). */
  onHandoff: HandoffNews | undefined;
  /** Something changed in an open handoff (the console's `handoff.message`: inbox and conversation refresh). */
  onHandoffMessage: HandoffNews | undefined;
};

/**
 * The first look at every message of a turn: when it shows severe distress, the beneficiary gets a
 * caring reply at once (with the association's contact when configured) and the conversation an
 * urgent handoff — a new one with reason `distress`, or the open one escalated to it, whoever has
 * it. An application in progress is kept: the form is still there when the conversation comes back
 * to the bot. Logs and the audit carry ids only, never the message.
 */
export class DistressGuard {
  constructor(private readonly deps: DistressGuardDependencies) {}

  /** The replies for a distressed message (after raising the urgent handoff), or null when the message shows no distress. */
  async check(turn: TurnData, text: string): Promise<Reply[] | null> {
    if (!this.detect(turn, text)) return null;
    const replies: Reply[] = [this.reply()];
    // A pending "leave the person?" question is not answered by this message; a later "yes" must not act on it.
    delete turn.state.leavingPerson;
    try {
      const { record, change } = await this.raise(turn);
      turn.log.warn({ event: 'safety.distress', handoffId: record.id, change }, 'distress flagged');
      await this.deps.store.audit.record({
        actor: turn.contact ? `beneficiary:${turn.contact.id}` : 'bot',
        action: 'safety.distress_flagged',
        subjectType: 'handoff',
        subjectId: record.id,
        details: { conversationId: turn.conversation.id, contactId: turn.contact?.id ?? null, change },
      });
    } catch (error) {
      // The caring reply still goes out; the turn's error boundary would only apologize instead.
      turn.log.error({ err: error, event: 'safety.escalation_failed' }, 'could not raise the urgent handoff');
    }
    return replies;
  }

  /** Never throws: a detector problem must not cost the beneficiary their turn. */
  private detect(turn: TurnData, text: string): boolean {
    try {
      return text !== '' && this.deps.detector.detect(text);
    } catch (error) {
      turn.log.error({ err: error, event: 'safety.check_failed' }, 'distress check failed');
      return false;
    }
  }

  private reply(): Reply {
    const contact = this.deps.supportContact;
    return contact ? { type: 'say', key: 'safety.reply.with_contact', params: { contact } } : { type: 'say', key: 'safety.reply.no_contact', params: {} };
  }

  /** One open handoff per conversation: created, or the open one marked urgent; the console hears either. */
  private async raise(turn: TurnData): Promise<{ record: HandoffRecord; change: 'created' | 'escalated' | 'unchanged' }> {
    const { store } = this.deps;
    const conversationId = turn.conversation.id;
    const open = await store.handoffs.findOpenByConversation(conversationId);
    if (!open) {
      const record = await store.handoffs.create({ conversationId, contactId: turn.contact?.id ?? null, reason: DISTRESS_REASON });
      // The form stays in the engine state (unlike an ordinary handoff): nothing typed is lost.
      turn.status = 'waiting';
      await this.deps.onHandoff?.({ id: record.id, conversationId });
      return { record, change: 'created' };
    }
    const record = open.reason === DISTRESS_REASON ? open : await store.handoffs.update(open.id, { reason: DISTRESS_REASON });
    // Waiting or with a person already: that stays as it is; the console refreshes and shows the flag.
    if (turn.status === 'bot') turn.status = open.status === 'active' ? 'human' : 'waiting';
    await this.deps.onHandoffMessage?.({ id: record.id, conversationId });
    return { record, change: record === open ? 'unchanged' : 'escalated' };
  }
}
