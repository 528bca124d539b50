import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StaffUserRecord } from '../store/types.js';
import type { StaffApiDependencies } from './staff-api.js';
import { notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';

const assignBody = z.object({ staffId: z.string().min(1).max(100) }).strict();

/**
 * An officer or admin hands a conversation to a named colleague (the beneficiary's researcher, say):
 * the colleague becomes its assignee and the conversation is with a person from then on.
 */
export async function assignRoute(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  app.post<{ Params: { id: string } }>('/staff/api/handoffs/:id/assign', { preHandler: requireStaff(deps, 'officer', 'admin') }, async (request) => {
    const { staffId } = parseBody(assignBody, request.body);
    const handoff = await deps.store.handoffs.get(request.params.id);
    if (!handoff) throw notFound('handoff');
    if (handoff.status === 'resolved') throw new StaffApiError(409, 'HandoffResolved', 'This conversation is closed.');
    const colleague = await deps.store.staff.get(staffId);
    if (!colleague || !colleague.active) throw new StaffApiError(400, 'BadArgument', 'staffId: no active staff account with this id.');
    const assigned = await deps.store.handoffs.claim(handoff.id, colleague.id, handoff.assigneeId);
    if (!assigned) throw new StaffApiError(409, 'AlreadyClaimed', 'The conversation changed hands a moment ago; refresh and try again.');
    await deps.store.conversations.update(handoff.conversationId, { status: 'human' });
    await deps.store.audit.record({
      actor: `staff:${(request.staff as StaffUserRecord).id}`,
      action: 'handoff.assigned',
      subjectType: 'handoff',
      subjectId: handoff.id,
      details: { assigneeId: colleague.id, previousAssigneeId: handoff.assigneeId },
    });
    await deps.events.publish({ type: 'handoff.claimed', id: handoff.id, conversationId: handoff.conversationId });
    return { id: assigned.id, status: assigned.status, assignee: { id: colleague.id, displayName: colleague.displayName } };
  });
}
