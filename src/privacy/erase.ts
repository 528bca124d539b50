/**
 * The beneficiary's right to destruction (PDPL): everything the bot keeps about one contact is erased
 * in place — records keep their ids, statuses and dates for the association's statistics, never what
 * identifies the person. A request the association has decided (accepted, rejected, completed) is kept
 * for its records, anonymized: no link to the person, no answers beyond the city, no documents.
 */
import type { Store, SupportRequestRecord, SupportRequestStatus } from '../store/types.js';
import { ERASED_REQUEST_CONTACT } from '../store/record-values.js';

/** Decisions the association must keep a record of; such a request is anonymized, not erased. */
export const DECIDED_STATUSES: readonly SupportRequestStatus[] = ['accepted', 'rejected', 'completed'];

/** What an erased or anonymized request's `contactId` holds (the store's retention purge writes the same). */
export const ERASED_CONTACT_ID = ERASED_REQUEST_CONTACT;

/** Counts only: this is what the audit log and the log line get, so it must never carry the data erased. */
export type ErasureReport = {
  requestsErased: number;
  requestsAnonymized: number;
  files: number;
  conversations: number;
  messages: number;
  bookings: number;
  volunteers: number;
  feedback: number;
  surveys: number;
  /** Queued jobs of the contact's conversations removed before they ran: follow-ups and outbound messages. */
  jobsCancelled: number;
};

/**
 * Removes the jobs not yet run of these conversations from every queue (surveys, reminders, queued
 * messages) and returns how many; given by the composition root, which owns the queues.
 */
export type CancelQueuedJobs = (conversationIds: ReadonlySet<string>) => Promise<number>;

/** Runs `work` holding a conversation's turn lock (`TurnRunner.exclusive`); given by the composition root. */
export type ConversationExclusive = (conversationId: string, work: () => Promise<void>) => Promise<void>;

export type EraseOptions = {
  cancelJobs?: CancelQueuedJobs;
  /**
   * Clears each conversation other than `within` under its turn lock, so a turn running in it at
   * that moment (the beneficiary writing on another channel, a survey being sent) ends before its
   * transcript and state are erased, or starts after and finds them erased; without the lock such a
   * turn saves the state it loaded before over the erased one. Absent: no turns run (tests, the CLI).
   */
  exclusive?: ConversationExclusive;
  /** The conversation whose turn asked for the erasure: its lock is held already. */
  within?: string;
  /** How long to wait for another conversation's lock; default {@link EXCLUSIVE_WAIT_MS}. */
  exclusiveWaitMs?: number;
};

export const isDecided = (request: Pick<SupportRequestRecord, 'status'>): boolean => DECIDED_STATUSES.includes(request.status);

/** The references of the requests that would be kept, anonymized (told before the beneficiary confirms). */
export async function decidedReferences(store: Store, contactId: string): Promise<string[]> {
  const requests = await store.supportRequests.list({ contactId });
  return requests.filter(isDecided).map((r) => r.reference);
}

/**
 * Erases one contact's personal data and files everywhere; the conversation the request came from is
 * among those erased (the caller resets its engine state). Each conversation is first marked
 * erased (`erasedAt`), then the queued jobs of those conversations are cancelled
 * (`options.cancelJobs`), so no reminder or survey goes out during or after the erasure and no
 * payload of theirs stays in Redis; a job running meanwhile, which cancelling cannot remove, sees the
 * mark and is dropped by its worker. Returns what was done, by count, and the
 * references of the decided requests kept anonymized (to tell the beneficiary).
 */
export async function eraseContactData(
  store: Store,
  contactId: string,
  options: EraseOptions = {},
): Promise<{ report: ErasureReport; kept: string[] }> {
  const requests = await store.supportRequests.list({ contactId });
  const conversations = await store.conversations.list({ contactId });
  const conversationIds = new Set([...conversations.map((c) => c.id), ...requests.flatMap((r) => (r.conversationId ? [r.conversationId] : []))]);
  // Marked before the queued jobs are cancelled: a job running meanwhile (locked, so not cancelled)
  // finds the mark when it comes to move or send, and drops itself (see `queuedBeforeErasure`).
  const erasedAt = new Date();
  for (const conversationId of conversationIds) {
    if (await store.conversations.get(conversationId)) await store.conversations.update(conversationId, { erasedAt });
  }
  let jobsCancelled = options.cancelJobs ? await options.cancelJobs(conversationIds) : 0;

  const fileIds = new Set(requests.flatMap((r) => r.documents.map((d) => d.fileId)));
  let messages = 0;
  for (const conversationId of conversationIds) {
    const clear = async () => {
      // Files sent outside a form are only named by the transcript, so they are gathered before it is erased.
      for (const message of await store.messages.list(conversationId)) for (const id of attachedFileIds(message.activity)) fileIds.add(id);
      messages += await store.messages.eraseConversation(conversationId);
      if (await store.conversations.get(conversationId)) await store.conversations.update(conversationId, { state: null });
    };
    await (options.exclusive && conversationId !== options.within ? clearExclusively(options.exclusive, conversationId, clear, options.exclusiveWaitMs ?? EXCLUSIVE_WAIT_MS) : clear());
  }
  // A turn the clearing waited for may have queued a message or a reminder after the mark.
  if (options.cancelJobs) jobsCancelled += await options.cancelJobs(conversationIds);
  let files = 0;
  for (const id of fileIds) if (await store.files.delete(id)) files += 1;

  const kept: string[] = [];
  for (const request of requests) {
    await store.supportRequests.update(request.id, erasedRequest(request));
    if (isDecided(request)) kept.push(request.reference);
  }

  const bookings = await store.bookings.list({ contactId });
  for (const booking of bookings) await store.bookings.update(booking.id, { phone: null, staffNote: null });
  const surveys = await store.surveys.list({ contactId });
  for (const survey of surveys) {
    await store.surveys.update(survey.id, { contactId: null, comment: null, ...(survey.followUp ? { followUp: { ...survey.followUp, note: null } } : {}) });
  }
  await store.contacts.update(contactId, { displayName: null, consent: null });
  // Last: these empty the store's open cache, after everything above has read what it erased.
  const volunteers = await store.volunteers.eraseByContact(contactId);
  const feedback = await store.feedback.eraseByContact(contactId);

  const report: ErasureReport = {
    requestsErased: requests.length - kept.length,
    requestsAnonymized: kept.length,
    files,
    conversations: conversationIds.size,
    messages,
    bookings: bookings.length,
    volunteers,
    feedback,
    surveys: surveys.length,
    jobsCancelled,
  };
  return { report, kept };
}

/** How long an erasure waits for a turn of another of the beneficiary's conversations before clearing it anyway. */
export const EXCLUSIVE_WAIT_MS = 5000;

/**
 * Clears a conversation under its turn lock. If its turn runs longer than `waitMs` —
 * or waits for this one: the beneficiary confirmed the erasure on two channels at once, and each
 * erasing turn holds its own lock — or the lock cannot be taken, it is cleared now without the lock,
 * and once more when that turn ends (the queued clearing still runs), so neither erasure waits for
 * the other and a state saved meanwhile is still cleared.
 */
async function clearExclusively(exclusive: ConversationExclusive, conversationId: string, clear: () => Promise<void>, waitMs: number): Promise<void> {
  const locked = exclusive(conversationId, clear);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), waitMs);
  });
  try {
    // A lock that cannot be had (Redis went away mid-erasure) counts as late: the erasure still finishes.
    if ((await Promise.race([locked.then(() => 'cleared' as const, () => 'late' as const), late])) === 'cleared') return;
  } finally {
    clearTimeout(timer);
  }
  // Settles on its own (cleared, or its lock timed out): nothing waits for it any more.
  locked.catch(() => undefined);
  await clear();
}

/**
 * A decided request keeps its status, dates, declaration (version, time, channel) and the city only;
 * an open one is withdrawn — the beneficiary asked for their data to go, so nobody can study it — and
 * keeps nothing of its answers.
 */
function erasedRequest(request: SupportRequestRecord): Partial<SupportRequestRecord> {
  const city = request.answers['city'];
  return {
    contactId: ERASED_CONTACT_ID,
    conversationId: null,
    answers: isDecided(request) && typeof city === 'string' ? { city } : {},
    applicantKeys: [],
    documents: [],
    statusNote: null,
    ...(isDecided(request) ? {} : { status: 'withdrawn' as const }),
  };
}

/** Stored files a transcript activity points at (`attachments[].content.fileId`, set by the adapters on receipt). */
function attachedFileIds(activity: Record<string, unknown>): string[] {
  const attachments = activity['attachments'];
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a: unknown) => {
    const content = typeof a === 'object' && a !== null ? (a as { content?: unknown }).content : undefined;
    const fileId = typeof content === 'object' && content !== null ? (content as { fileId?: unknown }).fileId : undefined;
    return typeof fileId === 'string' ? [fileId] : [];
  });
}
