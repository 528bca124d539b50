import type { ServiceContext } from '../bot/services.js';
import type { RequestDocument, SupportRequestRecord } from '../store/types.js';

/**
 * The documents a support request needs before registration is complete. The flows ask for them
 * by these kinds, and the checklist the beneficiary sees is built from the same list.
 */
export const REQUIRED_DOCUMENTS = ['id_copies', 'marriage_contract', 'medical_reports', 'income_proof'] as const;
export type DocumentKind = (typeof REQUIRED_DOCUMENTS)[number];

/** Which required kinds a request has (`id_copies: true`), and how many are still missing. */
export function checklistOf(request: SupportRequestRecord): Record<DocumentKind, boolean> & { missing: number; complete: boolean } {
  const have = new Set(request.documents.map((d) => d.kind));
  const entries = REQUIRED_DOCUMENTS.map((kind) => [kind, have.has(kind)] as const);
  const missing = entries.filter(([, ok]) => !ok).length;
  return { ...(Object.fromEntries(entries) as Record<DocumentKind, boolean>), missing, complete: missing === 0 };
}

type AttachInput = {
  request: SupportRequestRecord;
  kind: string;
  /** The attachment answer of a flow step: `[{name, contentType, id}]`. */
  files: unknown;
  context: ServiceContext;
  at: Date;
};

/**
 * Adds files the beneficiary sent to their request. Only files uploaded in this conversation are
 * taken (a file id from elsewhere is ignored). When the last required kind arrives, registration is
 * marked complete (the policy's step 6) and the event is audited.
 */
export async function attachFiles({ request, kind, files, context, at }: AttachInput): Promise<SupportRequestRecord> {
  const { store, turn } = context;
  const added: RequestDocument[] = [];
  for (const file of Array.isArray(files) ? files : []) {
    const id = typeof file === 'object' && file !== null ? (file as { id?: unknown }).id : undefined;
    const meta = typeof id === 'string' ? await store.files.meta(id) : null;
    if (!meta || meta.conversationId !== turn.conversation.id) continue;
    if (request.documents.some((d) => d.fileId === meta.id)) continue;
    added.push({ kind, fileId: meta.id, name: meta.name, contentType: meta.contentType, size: meta.size, receivedAt: at });
  }
  if (added.length === 0) return request;
  const documents = [...request.documents, ...added];
  const completeNow = checklistOf({ ...request, documents }).complete && request.documentsCompletedAt === null;
  const updated = await store.supportRequests.update(request.id, { documents, ...(completeNow ? { documentsCompletedAt: at } : {}) });
  const actor = `beneficiary:${turn.contact?.id ?? 'unknown'}`;
  await store.audit.record({
    actor,
    action: 'request.documents_added',
    subjectType: 'support_request',
    subjectId: request.id,
    details: { kind, count: added.length },
  });
  if (completeNow) {
    await store.audit.record({ actor, action: 'request.registration_completed', subjectType: 'support_request', subjectId: request.id, details: {} });
    turn.log.info({ event: 'request.registration_completed', requestId: request.id }, 'all documents received');
  }
  return updated;
}
