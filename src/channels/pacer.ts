import { setTimeout as sleep } from 'node:timers/promises';

/** A rate: `perSecond` on average, with up to `burst` at once after a quiet spell. */
export type Rate = { perSecond: number; burst: number };

export type PacerOptions = {
  /**
   * The platform's limit over all chats (Telegram about 30/s, one WhatsApp number 80/s). Keep its
   * burst at 1: any window of one second then holds at most `perSecond` sends.
   */
  overall: Rate;
  /** The limit for one chat (Telegram about 1/s); none when absent. */
  perChat?: Rate;
  now?: () => number;
  wait?: (ms: number) => Promise<unknown>;
};

/** Chats remembered at most; idle ones are forgotten first. */
const MAX_TRACKED_CHATS = 10_000;

/**
 * Keeps sends under a platform's rate limits, so they are never answered 429. Each limit is a
 * generic cell rate (GCRA) schedule: a send reserves the next free slot of both the overall and
 * its chat's schedule and waits until then. Reserving (not polling) keeps concurrent senders in
 * arrival order and wakes each exactly once. The schedule is this process's; several processes
 * sharing one bot each get their own (see docs/architecture.md).
 */
export class Pacer {
  private overallAt = 0;
  private readonly chatAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<unknown>;

  constructor(private readonly options: PacerOptions) {
    this.now = options.now ?? Date.now;
    this.wait = options.wait ?? sleep;
  }

  /** Waits until one more message to `chat` may go out, and counts it. */
  async take(chat: string): Promise<void> {
    const now = this.now();
    const overall = this.options.overall;
    const perChat = this.options.perChat;
    let start = Math.max(now, earliest(this.overallAt, overall));
    if (perChat) start = Math.max(start, earliest(this.chatAt.get(chat) ?? 0, perChat));
    this.overallAt = Math.max(this.overallAt, start) + interval(overall);
    if (perChat) {
      const previous = this.chatAt.get(chat) ?? 0;
      this.chatAt.delete(chat);
      this.chatAt.set(chat, Math.max(previous, start) + interval(perChat));
      this.forgetIdle();
    }
    if (start > now) await this.wait(start - now);
  }

  /**
   * When too many chats are tracked, forgets the least recently used half (the map keeps use order:
   * `take` re-inserts its chat). Their slots are long past in practice, so nothing is lost.
   */
  private forgetIdle(): void {
    if (this.chatAt.size <= MAX_TRACKED_CHATS) return;
    for (const chat of this.chatAt.keys()) {
      if (this.chatAt.size <= MAX_TRACKED_CHATS / 2) break;
      this.chatAt.delete(chat);
    }
  }
}

function interval(rate: Rate): number {
  return 1000 / rate.perSecond;
}

/** When the next send may start on a schedule whose next slot is `at`, allowing the burst. */
function earliest(at: number, rate: Rate): number {
  return at - (rate.burst - 1) * interval(rate);
}
