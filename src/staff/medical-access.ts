import type { MessageRecord, RequestDocument, StaffUserRecord, SupportRequestRecord } from '../store/types.js';
import type { StaffApiDependencies } from './staff-api.js';

/**
 * Who may see a request's medical answers and documents (least privilege, PDPL's sensitive data):
 *
 * - **the researcher assigned to the beneficiary** — the colleague who has (or had) a handoff of the
 *   request's conversation or of the same contact; being assigned is the need to know, and
 *   assignment is itself audited (a claim, or an officer's or admin's assign);
 * - **admins**, for oversight (a complaint, a dispute, a colleague gone); every one of their reads is
 *   audited like anyone's;
 * - **not officers or other researchers** by their role alone: they run the queue, change statuses
 *   and follow up ratings, none of which needs a diagnosis. An officer who takes a conversation over
 *   becomes its assignee, and so sees them from then on.
 *
 * Everyone else gets the request with these answers and documents marked withheld, and 403 on the
 * document download.
 */

/** Answers of `flows/support-request.yaml` that say something about the couple's health. */
export const MEDICAL_FIELDS: readonly string[] = ['treatment', 'treatment_attempts'];
/** Document kinds (`src/requests/documents.ts`) that are medical. */
export const MEDICAL_DOCUMENT_KINDS: readonly string[] = ['medical_reports'];

/** What takes a withheld answer's place: a marker the console shows as «محجوبة — للباحث المسند فقط». */
export const WITHHELD = Object.freeze({ withheld: true });

/** Transcript questions whose answer is medical: the answers above, and the medical reports step of `flows/documents.yaml`. */
const MEDICAL_QUESTIONS: readonly string[] = [...MEDICAL_FIELDS, 'medical_reports'];
/** The review question of `flows/support-request.yaml`: its message repeats every answer (the answer to it does not). */
const SUMMARY_QUESTION = 'review_action';

/** A colleague's handoffs looked through at most (a few years of one researcher's work). */
const MAX_HANDOFFS_SCANNED = 5000;
const PAGE = 200;

/** Whose record is read: a request, or a handoff's conversation. */
type Subject = { conversationId: string | null; contactId: string | null };

/** Whether `staff` may see the medical answers and documents of a beneficiary (see the rules above). */
export async function mayReadMedical(deps: Pick<StaffApiDependencies, 'store'>, staff: StaffUserRecord, subject: Subject): Promise<boolean> {
  if (staff.role === 'admin') return true;
  const concerns = (h: { conversationId: string; contactId: string | null }) =>
    (subject.conversationId !== null && h.conversationId === subject.conversationId) || (subject.contactId !== null && h.contactId === subject.contactId);
  for (let offset = 0; offset < MAX_HANDOFFS_SCANNED; offset += PAGE) {
    const handoffs = await deps.store.handoffs.list({ assigneeId: staff.id, limit: PAGE, offset });
    if (handoffs.some(concerns)) return true;
    if (handoffs.length < PAGE) return false;
  }
  return false;
}

/**
 * The seqs of transcript messages that carry medical answers: the beneficiary's messages (text and
 * files) after the bot asked a medical question, until the bot speaks again, and the bot's review
 * message that repeats every answer.
 */
export function medicalMessageSeqs(messages: readonly MessageRecord[]): Set<number> {
  const seqs = new Set<number>();
  let asking: string | null = null;
  for (const m of messages) {
    if (m.direction === 'outgoing') {
      const channelData = m.activity['channelData'] as { field?: unknown } | null | undefined;
      asking = m.author.kind === 'bot' && typeof channelData?.field === 'string' ? channelData.field : null;
      if (asking === SUMMARY_QUESTION) seqs.add(m.seq);
    } else if (m.direction === 'incoming' && asking !== null && MEDICAL_QUESTIONS.includes(asking)) {
      seqs.add(m.seq);
    }
  }
  return seqs;
}

export type WithheldView = {
  answers: Record<string, unknown>;
  documents: (Pick<RequestDocument, 'kind' | 'receivedAt'> & Partial<Omit<RequestDocument, 'kind' | 'receivedAt'>> & { withheld?: true })[];
  /** Which answers and document kinds were kept back; null when none. */
  withheld: { answers: string[]; documents: string[] } | null;
};

/**
 * The request's answers and documents as `allowed` may see them: when not allowed, each medical
 * answer becomes {@link WITHHELD} (so the reader knows there is one, not that it is missing) and each
 * medical document keeps only its kind and time — no file id, name or size.
 */
export function withholdMedical(request: SupportRequestRecord, allowed: boolean): WithheldView {
  const documents = request.documents.map((d) => ({ kind: d.kind, fileId: d.fileId, name: d.name, contentType: d.contentType, size: d.size, receivedAt: d.receivedAt }));
  if (allowed) return { answers: request.answers, documents, withheld: null };
  const answers = Object.fromEntries(Object.entries(request.answers).map(([field, value]) => [field, MEDICAL_FIELDS.includes(field) ? WITHHELD : value]));
  const withheldAnswers = Object.keys(request.answers).filter((field) => MEDICAL_FIELDS.includes(field));
  const withheldKinds = [...new Set(request.documents.filter((d) => MEDICAL_DOCUMENT_KINDS.includes(d.kind)).map((d) => d.kind))];
  return {
    answers,
    documents: documents.map((d) => (MEDICAL_DOCUMENT_KINDS.includes(d.kind) ? { kind: d.kind, receivedAt: d.receivedAt, withheld: true as const } : d)),
    withheld: withheldAnswers.length + withheldKinds.length > 0 ? { answers: withheldAnswers, documents: withheldKinds } : null,
  };
}
