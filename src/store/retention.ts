/**
 * Data retention, once for both stores: what `Store.purgeExpired` erases and in which order. Each
 * store gives it a `RetentionPort` — a few queries it can answer from an index — and its files.
 *
 * Everything is erased in place, as the beneficiary's right to destruction does (src/privacy/erase.ts):
 * records keep ids, statuses and dates for the association's statistics, never what identifies a
 * person. Audit events are not part of any step.
 */
import { ERASED_REQUEST_CONTACT } from './record-values.js';
import type { FileRepository, PurgeReport, RetentionLimits, SupportRequestRecord, SupportRequestStatus } from './types.js';

const DAY_MS = 24 * 3600_000;

/** Closed requests: their documents go after `documentDays`. */
export const CLOSED_REQUEST_STATUSES = ['accepted', 'rejected', 'completed', 'withdrawn'] as const satisfies readonly SupportRequestStatus[];
/** Requests anonymized after `rejectedDays`. */
export const REFUSED_REQUEST_STATUSES = ['rejected', 'withdrawn'] as const satisfies readonly SupportRequestStatus[];

/** The fields a purge rewrites on a request; the store writes them without moving `updatedAt`. */
export type RequestRewrite = Partial<
  Pick<SupportRequestRecord, 'contactId' | 'conversationId' | 'status' | 'answers' | 'applicantKeys' | 'documents' | 'statusNote'>
>;

/** What a store answers for the purge. Every method is safe to run again. */
export type RetentionPort = {
  /** Sets `state` to null on conversations with a state, last updated before `before`; how many. */
  clearStaleStates(before: Date): Promise<number>;
  /**
   * Erases the contents of messages written before `before` and not erased yet (`erasedActivity`),
   * marking them erased; how many, and the stored files their attachments named (read before erasing).
   */
  eraseMessagesBefore(before: Date, now: Date): Promise<{ count: number; fileIds: string[] }>;
  /** Requests in one of `statuses` last updated before `before`. */
  requestsUpdatedBefore(statuses: readonly SupportRequestStatus[], before: Date): Promise<SupportRequestRecord[]>;
  /** Writes `patch` without touching `updatedAt`: the decision date stays what retention counts from. */
  rewriteRequest(id: string, patch: RequestRewrite): Promise<void>;
  /** Every file id a request's documents name (files a transcript purge must leave alone). */
  requestFileIds(): Promise<Set<string>>;
};

/** The moment before which a record of this age limit is expired; null for 0 (kept forever). */
export function cutoffOf(days: number, now: Date): Date | null {
  return days > 0 ? new Date(now.getTime() - days * DAY_MS) : null;
}

export async function purgeExpired(port: RetentionPort, files: FileRepository, limits: RetentionLimits, now: Date): Promise<PurgeReport> {
  const report: PurgeReport = { drafts: 0, transcripts: 0, rejected: 0, documents: 0 };
  const deleteFiles = async (ids: Iterable<string>) => {
    for (const id of ids) if (await files.delete(id)) report.documents += 1;
  };

  const drafts = cutoffOf(limits.draftDays, now);
  if (drafts) {
    report.drafts += await port.clearStaleStates(drafts);
    // A draft was never sent to the association: nothing of it is kept (as erasure treats an open request).
    for (const request of await port.requestsUpdatedBefore(['draft'], drafts)) {
      await deleteFiles(request.documents.map((d) => d.fileId));
      await port.rewriteRequest(request.id, { ...unlinked(), status: 'withdrawn', answers: {} });
      report.drafts += 1;
    }
  }

  const rejected = cutoffOf(limits.rejectedDays, now);
  if (rejected) {
    for (const request of await port.requestsUpdatedBefore(REFUSED_REQUEST_STATUSES, rejected)) {
      if (request.contactId === ERASED_REQUEST_CONTACT) continue;
      await deleteFiles(request.documents.map((d) => d.fileId));
      const city = request.answers['city'];
      await port.rewriteRequest(request.id, { ...unlinked(), answers: typeof city === 'string' ? { city } : {} });
      report.rejected += 1;
    }
  }

  const documents = cutoffOf(limits.documentDays, now);
  if (documents) {
    for (const request of await port.requestsUpdatedBefore(CLOSED_REQUEST_STATUSES, documents)) {
      if (request.documents.length === 0) continue;
      await deleteFiles(request.documents.map((d) => d.fileId));
      await port.rewriteRequest(request.id, { documents: [] });
    }
  }

  // Last, so the files requests still name are known after the steps above let some go.
  const transcripts = cutoffOf(limits.transcriptDays, now);
  if (transcripts) {
    const { count, fileIds } = await port.eraseMessagesBefore(transcripts, now);
    report.transcripts += count;
    if (fileIds.length > 0) {
      const kept = await port.requestFileIds();
      await deleteFiles(new Set(fileIds.filter((id) => !kept.has(id))));
    }
  }
  return report;
}

/** A request that belongs to nobody: no contact, conversation, keys, documents or note. */
function unlinked(): RequestRewrite {
  return { contactId: ERASED_REQUEST_CONTACT, conversationId: null, applicantKeys: [], documents: [], statusNote: null };
}
