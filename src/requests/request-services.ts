import type { Service, ServiceContext, ServiceRegistry } from '../bot/services.js';
import type { Cipher } from '../security/cipher.js';
import { OPEN_SUPPORT_REQUEST_STATUSES, isOneOf, parseRequestReference } from '../store/record-values.js';
import type { SupportRequestRecord } from '../store/types.js';
import { attachFiles, checklistOf } from './documents.js';

export type RequestServiceDependencies = {
  cipher: Cipher;
  now?: () => Date;
  /** A request was submitted (follow-ups remind of missing documents). A failure is the caller's to log. */
  onSubmitted?: (request: SupportRequestRecord) => Promise<void>;
};

/** What a lookup tells the flow: a request and its status, or why there is none. */
type StatusAnswer =
  | { state: 'found'; reference: string; status: string; missing: number }
  | { state: 'not_shown' }
  | { state: 'none' };

/**
 * The services the support-application flows call: duplicate check, submission, status and
 * documents. They hold the rules the YAML cannot (one open request per couple, who may see a
 * request's status), and everything they return is a flat object the flow can branch on.
 *
 * A request's status is shown only to the contact that submitted it. Anyone else gets one neutral
 * answer, the same for a reference that exists and one that does not (so a guessed reference
 * reveals nothing), and the flow offers a staff member who can verify the person.
 */
export function createRequestServices(deps: RequestServiceDependencies): ServiceRegistry {
  const now = deps.now ?? (() => new Date());
  const keysOf = (...ids: unknown[]): string[] => nationalIdKeys(deps.cipher, ...ids);
  /** What a lookup searches: also under previous keys, so requests stored before a key rotation are found. */
  const lookupKeysOf = (...ids: unknown[]): string[] => idsOf(ids).flatMap((id) => deps.cipher.fingerprints(NATIONAL_ID, id));

  const findOpenRequest: Service = async (args, { store }) => {
    const open = await store.supportRequests.findOpenByApplicantKeys(lookupKeysOf(args.national_id, args.spouse_national_id));
    return open ? { reference: open.reference, status: open.status } : null;
  };

  const submit: Service = async (args, { store, turn }) => {
    const contact = requireContact(turn);
    const applicantKeys = keysOf(args.national_id, args.spouse_national_id);
    const open = await store.supportRequests.findOpenByApplicantKeys(lookupKeysOf(args.national_id, args.spouse_national_id));
    if (open) return { duplicate: true, reference: open.reference, status: open.status };
    const at = now();
    const request = await store.supportRequests.create({
      contactId: contact.id,
      conversationId: turn.conversation.id,
      channel: turn.conversation.channel,
      status: 'submitted',
      answers: isRecord(args.answers) ? args.answers : {},
      declaration: { version: String(args.declaration ?? ''), at, channel: turn.conversation.channel },
      applicantKeys,
      submittedAt: at,
    });
    await store.audit.record({
      actor: `beneficiary:${contact.id}`,
      action: 'request.submitted',
      subjectType: 'support_request',
      subjectId: request.id,
      details: { reference: request.reference, channel: request.channel, declarationVersion: request.declaration?.version ?? null },
    });
    turn.log.info({ event: 'request.submitted', requestId: request.id }, 'support request submitted');
    // Submitted is submitted: a failed follow-up schedule must not tell the applicant otherwise.
    await deps.onSubmitted?.(request).catch((error: unknown) => turn.log.error({ err: error, event: 'request.on_submitted_failed' }, 'could not schedule follow-ups'));
    return { duplicate: false, reference: request.reference, status: request.status };
  };

  const requestStatus: Service = async (args, context): Promise<StatusAnswer> => {
    const { store, turn } = context;
    const reference = typeof args.text === 'string' ? parseRequestReference(args.text) : null;
    if (reference) {
      const request = await store.supportRequests.getByReference(reference);
      const own = request !== null && request.status !== 'draft' && turn.contact !== null && request.contactId === turn.contact.id;
      if (own) return found(request);
      // Neither "no such request" nor "not yours": the log and the answer are the same either way.
      turn.log.info({ event: 'request.status_not_shown' }, 'status asked for a request not of this contact');
      return { state: 'not_shown' };
    }
    const latest = await latestRequest(context, false);
    return latest ? found(latest) : { state: 'none' };
  };

  const openRequestDocuments: Service = async (_args, context) => {
    const request = await latestRequest(context, true);
    return request ? { reference: request.reference, ...checklistOf(request) } : null;
  };

  const attachDocuments: Service = async (args, context) => {
    const request = await latestRequest(context, true);
    if (!request) return null;
    const kind = typeof args.kind === 'string' ? args.kind : 'other';
    const updated = await attachFiles({ request, kind, files: args.files, context, at: now() });
    return { reference: updated.reference, ...checklistOf(updated), just_completed: updated.documentsCompletedAt !== null && request.documentsCompletedAt === null };
  };

  return {
    find_open_request: findOpenRequest,
    submit_support_request: submit,
    request_status: requestStatus,
    open_request_documents: openRequestDocuments,
    attach_documents: attachDocuments,
  };
}

const NATIONAL_ID = 'national-id';

/**
 * A request's `applicantKeys`: the national IDs' fingerprints under the current data key (blank and
 * missing IDs left out). `npm run rekey` recomputes stored keys with the same function.
 */
export function nationalIdKeys(cipher: Cipher, ...ids: unknown[]): string[] {
  return idsOf(ids).map((id) => cipher.fingerprint(NATIONAL_ID, id));
}

function idsOf(ids: unknown[]): string[] {
  return ids.filter((id): id is string => typeof id === 'string' && id !== '');
}

function found(request: SupportRequestRecord): StatusAnswer {
  return { state: 'found', reference: request.reference, status: request.status, missing: checklistOf(request).missing };
}

/** The beneficiary's newest submitted request (an open one only, when `openOnly`). */
async function latestRequest({ store, turn }: ServiceContext, openOnly: boolean): Promise<SupportRequestRecord | null> {
  if (!turn.contact) return null;
  const requests = await store.supportRequests.list({ contactId: turn.contact.id, limit: 20 });
  return requests.find((r) => r.status !== 'draft' && (!openOnly || isOneOf(OPEN_SUPPORT_REQUEST_STATUSES, r.status))) ?? null;
}

function requireContact(turn: ServiceContext['turn']) {
  if (!turn.contact) throw new Error('a support request needs a contact; the turn has none');
  return turn.contact;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
