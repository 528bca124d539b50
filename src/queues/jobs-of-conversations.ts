import type { Job, JobType, Queue } from 'bullmq';
import type { ConversationRecord } from '../store/types.js';

/** The states of a job that has not run yet, or waits to run again (a paused queue's jobs are in `waiting`). */
export const PENDING_STATES: readonly JobType[] = ['delayed', 'waiting', 'prioritized', 'waiting-children'];

const PAGE = 500;

/**
 * Every job of `queue` in `states` whose data names one of `conversationIds` (`data.conversationId`,
 * which every outbound and follow-up payload carries). Read in pages; jobs are matched by the
 * conversation, not by id, because some ids cannot be derived from it (a survey after a handoff is
 * named by the handoff, a staff reply by its own key).
 */
export async function jobsOfConversations(queue: Queue, conversationIds: ReadonlySet<string>, states: readonly JobType[] = PENDING_STATES): Promise<Job[]> {
  if (conversationIds.size === 0) return [];
  const found: Job[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = await queue.getJobs([...states], start, start + PAGE - 1, true);
    for (const job of page) {
      const conversationId = (job?.data as { conversationId?: unknown } | undefined)?.conversationId;
      if (job && typeof conversationId === 'string' && conversationIds.has(conversationId)) found.push(job);
    }
    if (page.length < PAGE) return found;
  }
}

/**
 * Removes the jobs of these conversations that have not run yet, so nothing queued for them is sent
 * later and their payloads leave Redis. A job running at this moment is locked and stays (its worker
 * re-checks the conversation when it runs). Returns how many were removed.
 */
export async function removePendingJobs(queue: Queue, conversationIds: ReadonlySet<string>): Promise<number> {
  let removed = 0;
  for (const job of await jobsOfConversations(queue, conversationIds)) {
    if (job.id !== undefined) removed += await queue.remove(job.id);
  }
  return removed;
}

/**
 * Whether a job was queued before its conversation's data was erased (`erasedAt`), and so must be
 * dropped, not sent: erasure removes the jobs waiting, but one running at that moment (being moved
 * to its channel's queue, being sent, deferred) is locked and stays, and comes back later. `queuedAt`
 * is the job's creation time (`job.timestamp`, which a move to a channel queue carries over). A job
 * stamped in the erasure's own millisecond counts as before it. Jobs queued after the erasure (the
 * beneficiary writes again, a staff reply) go out: the conversation lives on.
 */
export function queuedBeforeErasure(queuedAt: number, conversation: Pick<ConversationRecord, 'erasedAt'> | null): boolean {
  return conversation?.erasedAt != null && queuedAt <= conversation.erasedAt.getTime();
}
