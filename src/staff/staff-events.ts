import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * What the console hears about live: a handoff waiting, claimed, answered or resolved; a request's
 * status; a survey sent; a low satisfaction rating waiting for a supervisor's follow-up, and that
 * follow-up done (for the `survey.*` events `id` is the survey's); a booking requested or changed, a
 * volunteer registered or moved on, a suggestion or complaint received or answered (`id` is the
 * booking's, the volunteer's or the feedback's).
 */
export const staffEvent = z.object({
  type: z.enum([
    'handoff.created',
    'handoff.claimed',
    'handoff.message',
    'handoff.released',
    'handoff.resolved',
    'request.status_changed',
    'outbound.failed',
    'survey.sent',
    'survey.followup_opened',
    'survey.followup_done',
    'booking.requested',
    'booking.changed',
    'volunteer.registered',
    'volunteer.changed',
    'feedback.received',
    'feedback.answered',
  ]),
  id: z.string(),
  conversationId: z.string().optional(),
  at: z.string(),
});
export type StaffEvent = z.infer<typeof staffEvent>;

/**
 * Live updates for the staff console across web processes: an event published by any process (a
 * beneficiary asking for a person, a colleague claiming a conversation) reaches the SSE streams of
 * all of them through Redis pub/sub. Events carry ids only, never personal data; the console fetches
 * what it shows through the API (which audits it).
 */
export class StaffEvents {
  private readonly local = new EventEmitter();
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:staff-events`;
    this.local.setMaxListeners(0);
  }

  /** Subscribes a dedicated connection; call once per process. */
  async listen(subscriber: Redis): Promise<void> {
    await subscriber.subscribe(this.channel);
    subscriber.on('message', (channel, message) => {
      if (channel !== this.channel) return;
      const parsed = staffEvent.safeParse(JSON.parse(message));
      if (parsed.success) this.local.emit('event', parsed.data);
    });
  }

  async publish(event: Omit<StaffEvent, 'at'>): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ ...event, at: new Date().toISOString() }));
  }

  /** Calls `listener` for every event until the returned function is called. */
  subscribe(listener: (event: StaffEvent) => void): () => void {
    this.local.on('event', listener);
    return () => this.local.off('event', listener);
  }
}
