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

/**
 * The share of a platform's limit the bot uses: at exactly the limit, the network's jitter put 31
 * Telegram sends into one second at the platform (benchmark 7); 95% leaves room for it.
 */
export const PACING_SHARE = 0.95;

/** A pacer for a platform that allows `limitPerSecond` messages overall (and `perChat`, if given). */
export function pacerUnder(limitPerSecond: number, perChat?: Rate): Pacer {
  return new Pacer({ overall: { perSecond: limitPerSecond * PACING_SHARE, burst: 1 }, ...(perChat ? { perChat } : {}) });
}

/**
 * Which queue a send stands in: a `reply` to someone who is talking to the bot or to a person now
 * (a turn's answer, a staff reply), or a `bulk` send the bot starts on its own (a survey broadcast,
 * a reminder), which can wait a moment longer.
 */
export type SendLane = 'reply' | 'bulk';

/** Slot times are fractions of a millisecond; closer than this is the same time. */
const EPSILON_MS = 0.001;

/** How much later than a waiting reply a bulk send looks for room again. */
const GIVE_WAY_MS = 1;

/** Chats remembered at most; idle ones are forgotten first. */
const MAX_TRACKED_CHATS = 10_000;

/**
 * Keeps sends under a platform's rate limits, so they are never answered 429. Each limit is a
 * generic cell rate (GCRA) schedule: a send reserves the next free slot of both the overall and
 * its chat's schedule and waits until then. Reserving (not polling) keeps concurrent senders in
 * arrival order and wakes each exactly once. The schedule is this process's; several processes
 * sharing one bot each get their own (see docs/architecture.md).
 *
 * A slot is a time to start, but a busy process starts late: timers held back by a long task fire
 * together, and a burst of late sends can put more than the limit into one second at the platform
 * (benchmark 7 saw Telegram refuse such bunches on a loaded machine). So the pacer also keeps the
 * start times of the last second's sends and holds a send while that second is full. A schedule that
 * runs on time meets that bound only when replies take slots a broadcast had reserved (see `take`);
 * otherwise it only spreads sends that a late event loop bunched.
 */
export class Pacer {
  /** The next free slot of the whole schedule, which bulk sends reserve in. */
  private overallAt = 0;
  /** The next free slot among replies alone. */
  private replyAt = 0;
  private readonly chatAt = new Map<string, number>();
  /** When the sends of the last second started, oldest first (at most {@link Pacer.perSecondCap}). */
  private readonly started: number[] = [];
  /** Replies waiting for room in the last second: bulk sends give way to them. */
  private repliesWaiting = 0;
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<unknown>;

  constructor(private readonly options: PacerOptions) {
    this.now = options.now ?? Date.now;
    this.wait = options.wait ?? sleep;
  }

  /**
   * Waits until one more message to `chat` may go out, and counts it.
   *
   * A reply does not queue behind the slots a broadcast has reserved: replies keep a schedule of
   * their own at the overall rate, and each one moves the broadcast's next free slot one interval
   * later. Broadcast sends already waiting for a slot a reply took find the last second full when
   * they wake, and wait for the next (the start-time cap below), so the total stays under the limit.
   * A beneficiary writing during a 10,000-recipient survey is answered at once, not after the 16
   * sends each outbound worker slot has reserved ahead (benchmark 7).
   */
  async take(chat: string, lane: SendLane = 'reply'): Promise<void> {
    const now = this.now();
    const overall = this.options.overall;
    const perChat = this.options.perChat;
    const step = interval(overall);
    let start = Math.max(now, earliest(lane === 'reply' ? this.replyAt : this.overallAt, overall));
    if (perChat) start = Math.max(start, earliest(this.chatAt.get(chat) ?? 0, perChat));
    if (lane === 'reply') this.replyAt = Math.max(this.replyAt, start) + step;
    this.overallAt = Math.max(this.overallAt, start) + step;
    if (perChat) {
      const previous = this.chatAt.get(chat) ?? 0;
      this.chatAt.delete(chat);
      this.chatAt.set(chat, Math.max(previous, start) + interval(perChat));
      this.forgetIdle();
    }
    if (start > now) await this.wait(start - now);
    await this.spreadBunched(lane);
  }

  /** The most sends an on-time schedule starts in any one second: its rate, plus the burst. */
  private get perSecondCap(): number {
    return Math.ceil(this.options.overall.perSecond) + this.options.overall.burst - 1;
  }

  /**
   * Waits while the last second already holds {@link Pacer.perSecondCap} starts, then counts this one.
   * A broadcast running at the full rate keeps that second full; a reply waiting for room then goes
   * first: bulk sends wake a moment after the room opens, and give way while a reply waits.
   */
  private async spreadBunched(lane: SendLane): Promise<void> {
    let counted = false;
    try {
      for (;;) {
        const now = this.now();
        // A start a second ago (to a thousandth of a millisecond: slot times are fractions) has left the window.
        while (this.started.length > 0 && now - (this.started[0] ?? 0) >= 1000 - EPSILON_MS) this.started.shift();
        const oldest = this.started[0];
        const full = oldest !== undefined && this.started.length >= this.perSecondCap;
        const giveWay = lane === 'bulk' && this.repliesWaiting > 0;
        if (!full && !giveWay) {
          this.started.push(now);
          return;
        }
        if (lane === 'reply' && !counted) {
          counted = true;
          this.repliesWaiting += 1;
        }
        const untilRoom = full ? Math.max(EPSILON_MS, oldest + 1000 - now) : 0;
        await this.wait(lane === 'bulk' ? untilRoom + GIVE_WAY_MS : untilRoom);
      }
    } finally {
      if (counted) this.repliesWaiting -= 1;
    }
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
