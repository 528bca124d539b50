import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { enqueueOutbound } from '../queues/outbound-queue.js';
import type { Milestone } from '../followups/followup-jobs.js';
import { checklistOf } from '../requests/documents.js';
import { SUPPORT_REQUEST_STATUSES } from '../store/record-values.js';
import type { StaffUserRecord, SupportRequestRecord, SupportRequestStatus } from '../store/types.js';
import type { StaffApiDependencies } from './staff-api.js';
import { notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';
import { MEDICAL_DOCUMENT_KINDS, mayReadMedical, withholdMedical } from './medical-access.js';

/** A request without a decision this long after submission stands out in the list (the policy's two weeks). */
export const DECISION_DUE_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Where each status may go: received → under study → needs documents → accepted / rejected →
 * service delivered. A decided request (rejected, delivered, withdrawn) does not move again.
 */
const NEXT: Readonly<Record<SupportRequestStatus, readonly SupportRequestStatus[]>> = {
  draft: [],
  submitted: ['under_review', 'needs_documents', 'accepted', 'rejected'],
  under_review: ['needs_documents', 'accepted', 'rejected'],
  needs_documents: ['under_review', 'accepted', 'rejected'],
  accepted: ['completed'],
  rejected: [],
  completed: [],
  withdrawn: [],
};

const listQuery = z
  .object({
    status: z.enum(SUPPORT_REQUEST_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const statusBody = z.object({ status: z.enum(SUPPORT_REQUEST_STATUSES), note: z.string().max(1000).optional() }).strict();

/**
 * Support requests for staff: the list (with the ones past two weeks without a decision standing
 * out), one request with its answers, declaration and documents, and status changes — each one
 * audited and told to the beneficiary on their own channel, in their language.
 */
export async function requestRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store } = deps;
  const guard = { preHandler: requireStaff(deps, 'researcher', 'officer', 'admin') };

  app.get('/staff/api/requests', guard, async (request) => {
    const query = parseBody(listQuery, request.query);
    const items = await store.supportRequests.list({ ...(query.status ? { status: query.status } : {}), limit: query.limit, offset: query.offset });
    return { items: items.filter((r) => r.status !== 'draft').map(requestSummary), limit: query.limit, offset: query.offset };
  });

  app.get<{ Params: { id: string } }>('/staff/api/requests/:id', guard, async (request) => {
    const found = await load(deps, request.params.id);
    const view = withholdMedical(found, await mayReadMedical(deps, request.staff as StaffUserRecord, found));
    await audit(deps, request, 'request.viewed', found.id, view.withheld ? { withheld: view.withheld } : {});
    return {
      ...requestSummary(found),
      answers: view.answers,
      declaration: found.declaration,
      documents: view.documents,
      /** Null when everything is shown; otherwise the medical answers and document kinds kept back (assigned researcher and admins only). */
      withheld: view.withheld,
      statusNote: found.statusNote,
      /** Where the status may go next: the console offers exactly these. */
      nextStatuses: NEXT[found.status],
    };
  });

  app.get<{ Params: { id: string; fileId: string } }>('/staff/api/requests/:id/documents/:fileId', guard, async (request, reply) => {
    const found = await load(deps, request.params.id);
    const document = found.documents.find((d) => d.fileId === request.params.fileId);
    if (document && MEDICAL_DOCUMENT_KINDS.includes(document.kind) && !(await mayReadMedical(deps, request.staff as StaffUserRecord, found))) {
      await audit(deps, request, 'request.document_refused', found.id, { fileId: document.fileId, kind: document.kind });
      throw new StaffApiError(403, 'Withheld', 'Medical documents are for the researcher assigned to this beneficiary (and admins) only.');
    }
    const file = document ? await store.files.get(document.fileId) : null;
    if (!document || !file) throw notFound('document');
    await audit(deps, request, 'request.document_viewed', found.id, { fileId: document.fileId, kind: document.kind });
    return reply
      .header('content-type', file.meta.contentType)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.meta.name)}`)
      .header('cache-control', 'private, no-store')
      .send(file.bytes);
  });

  app.post<{ Params: { id: string } }>('/staff/api/requests/:id/status', guard, async (request) => {
    const body = parseBody(statusBody, request.body);
    const found = await load(deps, request.params.id);
    if (!NEXT[found.status].includes(body.status)) {
      throw new StaffApiError(409, 'InvalidTransition', `A request that is ${found.status} cannot become ${body.status} (allowed: ${NEXT[found.status].join(', ') || 'none'}).`);
    }
    const updated = await store.supportRequests.update(found.id, { status: body.status, statusNote: body.note ?? null });
    await audit(deps, request, 'request.status_changed', found.id, { from: found.status, to: body.status });
    await deps.events.publish({ type: 'request.status_changed', id: found.id });
    if (found.conversationId) {
      await enqueueOutbound(deps.outbound, {
        conversationId: found.conversationId,
        idempotencyKey: `status-${found.id}-${body.status}-${Date.now()}`,
        key: 'status.changed',
        params: { reference: found.reference, status: body.status },
        automatic: true,
      });
      const milestone = SURVEY_AFTER[body.status];
      if (milestone) await deps.followUps.surveyAfter(milestone, found.id, found.conversationId, (request.staff as StaffUserRecord).id);
    }
    return requestSummary(updated);
  });
}

/** Statuses after which the beneficiary is asked to rate: a decision, and a service delivered. */
const SURVEY_AFTER: Partial<Record<SupportRequestStatus, Milestone>> = { accepted: 'decision', rejected: 'decision', completed: 'service' };

/** A request as lists show it (the Requests tab, and a conversation's requests in the inbox). */
export function requestSummary(r: SupportRequestRecord) {
  const checklist = checklistOf(r);
  const undecided = r.status === 'submitted' || r.status === 'under_review' || r.status === 'needs_documents';
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    channel: r.channel,
    submittedAt: r.submittedAt,
    updatedAt: r.updatedAt,
    documentsMissing: checklist.missing,
    registrationCompletedAt: r.documentsCompletedAt,
    overdue: undecided && r.submittedAt !== null && Date.now() - r.submittedAt.getTime() > DECISION_DUE_MS,
  };
}

async function load(deps: StaffApiDependencies, id: string): Promise<SupportRequestRecord> {
  const found = await deps.store.supportRequests.get(id);
  if (!found || found.status === 'draft') throw notFound('request');
  return found;
}

async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
  const staff = request.staff as StaffUserRecord;
  await deps.store.audit.record({ actor: `staff:${staff.id}`, action, subjectType: 'support_request', subjectId, details });
}
