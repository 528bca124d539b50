import type { Activity, ConversationReference, ResourceResponse } from 'botbuilder-core';
import { BotAdapter, TurnContext } from './botbuilder.js';

/**
 * What a channel can show, so one renderer can degrade choices: buttons while they fit, otherwise a
 * numbered list in the text that still accepts "2" or the label.
 */
export type ChannelCapabilities = {
  /** Most suggested-action buttons one message can carry (0: none, use a numbered list). */
  maxActions: number;
  /** Longest button title; longer choices fall back to the numbered list. */
  maxActionTitle: number;
  /** Longest text of one message; longer replies are split. */
  maxTextLength: number;
  /** Whether the channel shows a typing indicator. */
  typing: boolean;
};

export type TurnLogic = (context: TurnContext) => Promise<void>;

/**
 * The seam between a messaging platform and the bot: a botbuilder `BotAdapter` that turns the
 * platform's events into Activities and Activities back into the best the platform can show.
 * Everything past this class speaks Activity only. (Microsoft archived the Bot Framework SDK; its
 * successor keeps the same Activity model, so the seam stays swappable.)
 */
export abstract class ChannelAdapter extends BotAdapter {
  /** The channel id written into activities and conversation records, e.g. `webchat`. */
  abstract readonly channel: string;
  abstract readonly capabilities: ChannelCapabilities;
  /**
   * Whether the transcript itself is what the beneficiary reads (web chat: clients read replies from
   * it), so a reply is sent the moment it is written: recorded as `sent` in the same write, with no
   * second write for the outcome of a send that cannot fail.
   */
  readonly transcriptIsWire: boolean = false;

  /**
   * Whether this process can send on the channel now. A channel whose session lives in one process
   * (WhatsApp Web) says no elsewhere, and while its session is not ready: a turn run here could not
   * answer, so it is left for the process that can (see `TurnRunner.drain`).
   */
  canSendHere(): boolean {
    return true;
  }

  /**
   * Runs one inbound activity through the middleware and the bot logic. `prepare` puts what the
   * turn needs (loaded by the turn runner) into the context before any middleware runs.
   */
  async runTurn(activity: Partial<Activity>, logic: TurnLogic, prepare?: (context: TurnContext) => void): Promise<void> {
    const context = new TurnContext(this, activity);
    prepare?.(context);
    try {
      await this.runMiddleware(context, logic);
    } finally {
      context.turnState.clear();
    }
  }

  /** A proactive turn (staff reply, reminder) from a stored reference; outbound hooks still run. */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: TurnLogic,
    prepare?: (context: TurnContext) => void,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.runTurn(activity, logic, prepare);
  }

  override async updateActivity(): Promise<ResourceResponse | void> {
    throw new Error(`${this.channel} does not support editing sent messages`);
  }

  override async deleteActivity(): Promise<void> {
    throw new Error(`${this.channel} does not support deleting sent messages`);
  }
}
