import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { enqueueOutbound } from '../queues/outbound-queue.js';
import { FEEDBACK_KINDS, FEEDBACK_STATUSES } from '../store/record-values.js';
import type { FeedbackRecord, StaffUserRecord } from '../store/types.js';
import { pageQuery } from './admin-routes.js';
import type { StaffApiDependencies } from './staff-api.js';
import { notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';

export const feedbackListQuery = pageQuery.extend({ kind: z.enum(FEEDBACK_KINDS).optional(), status: z.enum(FEEDBACK_STATUSES).optional() }).strict();
export const feedbackReplyBody = z.object({ text: z.string().trim().min(1).max(1000) }).strict();

/**
 * Suggestions and complaints sent through the bot: every staff role reads them, officers and
 * admins answer.
 *
 * - `GET /staff/api/feedback?kind&status`: open complaints first, then newest, without the text;
 *   with the counts of open complaints and open suggestions (the tab's badge).
 * - `GET /staff/api/feedback/:id`: one item with the beneficiary's text and the reply (audited).
 * - `POST /staff/api/feedback/:id/reply` `{text}`: the reply goes to the beneficiary on their own
 *   channel, in the words of `feedback.reply` in their language, as the staff member's message; the
 *   item is answered (409 when it was already), audited without the text, heard live.
 */
export async function feedbackRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store } = deps;
  const readers = { preHandler: requireStaff(deps, 'researcher', 'officer', 'admin') };
  const answerers = { preHandler: requireStaff(deps, 'officer', 'admin') };

  app.get('/staff/api/feedback', readers, async (request) => {
    const query = parseBody(feedbackListQuery, request.query);
    const filter = { ...(query.kind ? { kind: query.kind } : {}), ...(query.status ? { status: query.status } : {}) };
    const [items, total, openComplaints, openSuggestions] = await Promise.all([
      store.feedback.list({ ...filter, limit: query.limit, offset: query.offset }),
      store.feedback.count(filter),
      store.feedback.count({ kind: 'complaint', status: 'open' }),
      store.feedback.count({ kind: 'suggestion', status: 'open' }),
    ]);
    return { items: items.map(feedbackSummary), total, openComplaints, openSuggestions, limit: query.limit, offset: query.offset };
  });

  app.get<{ Params: { id: string } }>('/staff/api/feedback/:id', readers, async (request, reply) => {
    const feedback = await load(deps, request.params.id);
    await audit(deps, request, 'feedback.viewed', feedback.id, { kind: feedback.kind });
    reply.header('cache-control', 'no-store');
    return feedbackView(feedback, await replierName(deps, feedback.repliedBy));
  });

  app.post<{ Params: { id: string } }>('/staff/api/feedback/:id/reply', answerers, async (request, reply) => {
    const { text } = parseBody(feedbackReplyBody, request.body);
    const staff = request.staff as StaffUserRecord;
    const feedback = await load(deps, request.params.id);
    if (feedback.status === 'answered') {
      throw new StaffApiError(409, 'AlreadyAnswered', `This ${feedback.kind} was answered already (at ${feedback.repliedAt?.toISOString() ?? 'an unknown time'}).`);
    }
    // Queued before the record changes, under an id of its own: should the update fail, a second
    // try sends nothing twice. Two colleagues answering at the same moment: the first text goes.
    await enqueueOutbound(deps.outbound, {
      conversationId: feedback.conversationId,
      idempotencyKey: `feedback-${feedback.id}-reply`,
      key: 'feedback.reply',
      params: { kind: feedback.kind, reference: feedback.reference, text },
      author: { kind: 'staff', staffId: staff.id },
    });
    const updated = await store.feedback.update(feedback.id, { status: 'answered', reply: text, repliedBy: staff.id, repliedAt: new Date() });
    await audit(deps, request, 'feedback.replied', feedback.id, { kind: feedback.kind });
    await deps.events.publish({ type: 'feedback.answered', id: feedback.id, conversationId: feedback.conversationId });
    reply.header('cache-control', 'no-store');
    return feedbackView(updated, staff.displayName);
  });
}

/** An item as the list shows it: what, about what, how it stands — not the beneficiary's words. */
function feedbackSummary(f: FeedbackRecord) {
  return {
    id: f.id,
    reference: f.reference,
    kind: f.kind,
    category: f.category,
    status: f.status,
    channel: f.channel,
    createdAt: f.createdAt,
    repliedAt: f.repliedAt,
  };
}

function feedbackView(f: FeedbackRecord, repliedByName: string | null) {
  return { ...feedbackSummary(f), text: f.text, reply: f.reply, repliedBy: f.repliedBy, repliedByName, conversationId: f.conversationId };
}

async function replierName(deps: StaffApiDependencies, staffId: string | null): Promise<string | null> {
  if (!staffId) return null;
  return (await deps.store.staff.get(staffId))?.displayName ?? null;
}

async function load(deps: StaffApiDependencies, id: string): Promise<FeedbackRecord> {
  const found = await deps.store.feedback.get(id);
  if (!found) throw notFound('feedback');
  return found;
}

async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
  await deps.store.audit.record({ actor: `staff:${(request.staff as StaffUserRecord).id}`, action, subjectType: 'feedback', subjectId, details });
}
