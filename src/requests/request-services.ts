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
  | { state: 'verify'; reference: string }
  | { state: 'unknown_reference'; reference: string }
  | { state: 'none' };

/**
 * The services the support-application flows call: duplicate check, submission, status and
 * documents. They hold the rules the YAML cannot (one open request per couple, who may see a
 * request's status), and everything they return is a flat object the flow can branch on.
 */
export function createRequestServices(deps: RequestServiceDependencies): ServiceRegistry {
  const now = deps.now ?? (() => new Date());
  const keysOf = (...ids: unknown[]): string[] =>
    ids.filter((id): id is string => typeof id === 'string' && id !== '').map((id) => deps.cipher.fingerprint('national-id', id));

  const findOpenRequest: Service = async (args, { store }) => {
    const open = await store.supportRequests.findOpenByApplicantKeys(keysOf(args.national_id, args.spouse_national_id));
    return open ? { reference: open.reference, status: open.status } : null;
  };

  const submit: Service = async (args, { store, turn }) => {
    const contact = requireContact(turn);
    const applicantKeys = keysOf(args.national_id, args.spouse_national_id);
    const open = await store.supportRequests.findOpenByApplicantKeys(applicantKeys);
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
      if (!request || request.status === 'draft') return { state: 'unknown_reference', reference };
      if (request.contactId !== turn.contact?.id) return { state: 'verify', reference };
      return found(request);
    }
    const latest = await latestRequest(context, false);
    return latest ? found(latest) : { state: 'none' };
  };

  /** Someone writing from another chat proves the request is theirs with the applicant's or spouse's ID. */
  const verifyRequestOwner: Service = async (args, { store, turn }) => {
    const request = typeof args.reference === 'string' ? await store.supportRequests.getByReference(args.reference) : null;
    const [key] = keysOf(args.national_id);
    if (!request || !key || !request.applicantKeys.includes(key)) return { state: 'mismatch' };
    await store.audit.record({
      actor: `beneficiary:${turn.contact?.id ?? 'unknown'}`,
      action: 'request.status_viewed_with_id',
      subjectType: 'support_request',
      subjectId: request.id,
      details: { conversationId: turn.conversation.id },
    });
    return found(request);
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
    verify_request_owner: verifyRequestOwner,
    open_request_documents: openRequestDocuments,
    attach_documents: attachDocuments,
  };
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
