import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { enqueueOutbound } from '../queues/outbound-queue.js';
import { DISTRESS_REASON } from '../safety/distress-guard.js';
import type { DeliveryState, HandoffRecord, MessageRecord, StaffUserRecord } from '../store/types.js';
import { requestSummary } from './request-routes.js';
import type { StaffApiDependencies } from './staff-api.js';
import { badRequest, forbidden, notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';
import { mayReadMedical, medicalMessageSeqs } from './medical-access.js';

const HANDOFF_STATUSES = ['waiting', 'active', 'resolved'] as const;

const listQuery = z
  .object({
    status: z.enum(HANDOFF_STATUSES).optional(),
    /** Only the caller's own conversations. */
    mine: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const claimBody = z.object({ force: z.boolean().optional() }).strict();

const messageBody = z
  .object({
    text: z.string().trim().min(1).max(4000),
    /** The console's own id for the message, so a retried request never sends it twice. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only (at most 64)')
      .optional(),
  })
  .strict();

/** A private note: kept in the transcript for colleagues, never sent to the beneficiary. */
export const noteBody = z.object({ text: z.string().trim().min(1).max(2000) }).strict();

const noBody = z.object({}).strict();

/** How a handoff ends: answered and closed, or given back to the bot unanswered. */
type Ending = 'resolved' | 'released';

/**
 * Conversations handed to a person, for staff: the queue (urgent ones first, then oldest waiting first), one conversation
 * with its whole transcript, claiming it, replying through the outbound queue (so a reply reaches
 * the beneficiary's own channel, retried and never twice), and giving it back to the bot — released
 * unanswered or resolved. Every step is audited and heard live by every open console.
 *
 * A conversation belongs to one colleague at a time; an officer or admin may take it over
 * (`{force: true}`) and write in anyone's.
 */
export async function handoffRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store } = deps;
  const guard = { preHandler: requireStaff(deps) };

  app.get('/staff/api/handoffs', guard, async (request) => {
    const query = parseQuery(listQuery, request.query);
    const staff = request.staff as StaffUserRecord;
    const handoffs = await store.handoffs.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.mine === 'true' ? { assigneeId: staff.id } : {}),
      limit: query.limit,
      offset: query.offset,
    });
    const view = viewer(deps);
    // The list names beneficiaries (the contact's display name): a read of their records, audited with the ids.
    await deps.store.audit.record({
      actor: `staff:${staff.id}`,
      action: 'handoff.list_viewed',
      subjectType: 'handoff',
      subjectId: 'list',
      details: { ...(query.status ? { status: query.status } : {}), ...(query.mine ? { mine: query.mine } : {}), handoffIds: handoffs.map((h) => h.id) },
    });
    return { items: urgentFirst(await Promise.all(handoffs.map(view))), limit: query.limit, offset: query.offset };
  });

  app.get<{ Params: { id: string } }>('/staff/api/handoffs/:id', guard, async (request) => {
    const handoff = await load(deps, request.params.id);
    const staff = request.staff as StaffUserRecord;
    const [messages, requests] = await Promise.all([store.messages.list(handoff.conversationId), requestsOf(deps, handoff)]);
    // Medical answers typed in the chat are for the assignee (and admins), as in the request itself.
    const allowed = handoff.assigneeId === staff.id || (await mayReadMedical(deps, staff, handoff));
    const withheld = allowed ? new Set<number>() : medicalMessageSeqs(messages);
    await audit(deps, request, 'handoff.viewed', handoff, withheld.size > 0 ? { withheldMessages: withheld.size } : {});
    return { ...(await viewer(deps)(handoff)), messages: messages.map((m) => (withheld.has(m.seq) ? withheldEntry(m) : transcriptEntry(m))), requests };
  });

  // Any colleague may leave a note, in any state of the conversation: it is for the team only.
  app.post<{ Params: { id: string } }>('/staff/api/handoffs/:id/notes', guard, async (request, reply) => {
    const body = parseBody(noteBody, request.body);
    const staff = request.staff as StaffUserRecord;
    const handoff = await load(deps, request.params.id);
    const { message } = await store.messages.append(handoff.conversationId, {
      direction: 'activity',
      author: { kind: 'staff', staffId: staff.id },
      activity: { type: 'message', id: crypto.randomUUID(), timestamp: new Date().toISOString(), text: body.text, channelData: { private: true } },
    });
    await audit(deps, request, 'handoff.note_added', handoff, { seq: message.seq });
    await deps.events.publish({ type: 'handoff.message', id: handoff.id, conversationId: handoff.conversationId });
    return reply.code(201).send({ seq: message.seq });
  });

  app.post<{ Params: { id: string } }>('/staff/api/handoffs/:id/claim', guard, async (request) => {
    const { force } = parseBody(claimBody, request.body ?? {});
    const claimed = await claim(deps, request, await load(deps, request.params.id), force === true);
    return viewer(deps)(claimed);
  });

  app.post<{ Params: { id: string } }>('/staff/api/handoffs/:id/messages', guard, async (request, reply) => {
    const body = parseBody(messageBody, request.body);
    const staff = request.staff as StaffUserRecord;
    let handoff = open(await load(deps, request.params.id));
    if (handoff.status === 'waiting') handoff = await claim(deps, request, handoff, false);
    else if (handoff.assigneeId !== staff.id && !canOverride(staff)) {
      throw new StaffApiError(403, 'NotAssignee', 'Only the colleague who has this conversation (or an officer or admin) may write in it.');
    }
    const messageId = body.id ?? crypto.randomUUID();
    await enqueueOutbound(deps.outbound, {
      conversationId: handoff.conversationId,
      idempotencyKey: `staff-${handoff.id}-${messageId}`,
      text: body.text,
      author: { kind: 'staff', staffId: staff.id },
    });
    await audit(deps, request, 'handoff.replied', handoff, { messageId });
    await deps.events.publish({ type: 'handoff.message', id: handoff.id, conversationId: handoff.conversationId });
    return reply.code(202).send({ id: messageId });
  });

  for (const ending of ['release', 'resolve'] as const) {
    app.post<{ Params: { id: string } }>(`/staff/api/handoffs/:id/${ending}`, guard, async (request) => {
      parseBody(noBody, request.body ?? {});
      const ended = await end(deps, request, await load(deps, request.params.id), ending === 'release' ? 'released' : 'resolved');
      return viewer(deps)(ended);
    });
  }
}

/**
 * Gives the handoff to the caller: status active, the conversation with a person. Taking over a
 * colleague's conversation needs `force` and an officer or admin; claiming one's own again is a no-op.
 */
async function claim(deps: StaffApiDependencies, request: FastifyRequest, handoff: HandoffRecord, force: boolean): Promise<HandoffRecord> {
  const staff = request.staff as StaffUserRecord;
  open(handoff);
  if (handoff.status === 'active' && handoff.assigneeId === staff.id) return handoff;
  const previous = handoff.status === 'active' ? handoff.assigneeId : null;
  if (previous !== null) {
    if (!force) throw new StaffApiError(409, 'AlreadyClaimed', 'A colleague has this conversation already (an officer or admin may take it over with {"force": true}).');
    if (!canOverride(staff)) throw forbidden("take over a colleague's conversation (officer or admin only)");
  }
  // Atomic: of two people claiming at once, one wins. A takeover keeps the first claim time.
  const claimed = await deps.store.handoffs.claim(handoff.id, staff.id, handoff.assigneeId);
  if (!claimed) throw new StaffApiError(409, 'AlreadyClaimed', 'A colleague took this conversation a moment ago; refresh to see who.');
  await deps.store.conversations.update(handoff.conversationId, { status: 'human' });
  await audit(deps, request, 'handoff.claimed', handoff, previous === null ? {} : { previousAssigneeId: previous, takenOver: true });
  await deps.events.publish({ type: 'handoff.claimed', id: handoff.id, conversationId: handoff.conversationId });
  return claimed;
}

/**
 * Closes the handoff and gives the conversation back to the bot (the beneficiary's next message goes
 * to it), telling the beneficiary in their language. A waiting handoff may be closed by anyone;
 * a claimed one by its assignee or an officer or admin.
 */
async function end(deps: StaffApiDependencies, request: FastifyRequest, handoff: HandoffRecord, ending: Ending): Promise<HandoffRecord> {
  const staff = request.staff as StaffUserRecord;
  open(handoff);
  if (handoff.status === 'active' && handoff.assigneeId !== staff.id && !canOverride(staff)) {
    throw new StaffApiError(403, 'NotAssignee', 'Only the colleague who has this conversation (or an officer or admin) may close it.');
  }
  const ended = await deps.store.handoffs.update(handoff.id, { status: 'resolved', resolvedAt: new Date() });
  await deps.store.conversations.update(handoff.conversationId, { status: 'bot' });
  await enqueueOutbound(deps.outbound, { conversationId: handoff.conversationId, idempotencyKey: `handoff-${handoff.id}-${ending}`, key: `handoff.${ending}` });
  // The handoff record has no outcome field: the audit trail says whether it was answered or given back.
  await audit(deps, request, `handoff.${ending}`, handoff, { outcome: ending === 'released' ? 'back_to_bot' : 'resolved', assigneeId: handoff.assigneeId });
  await deps.events.publish({ type: `handoff.${ending}`, id: handoff.id, conversationId: handoff.conversationId });
  // A conversation a person answered is a milestone the beneficiary may rate; one handed back unanswered is not.
  if (ending === 'resolved') await deps.followUps.surveyAfter('handoff', handoff.id, handoff.conversationId, handoff.assigneeId ?? staff.id);
  return ended;
}

const canOverride = (staff: StaffUserRecord) => staff.role === 'admin' || staff.role === 'officer';

/** The handoff itself, or 409 when it is over already. */
function open(handoff: HandoffRecord): HandoffRecord {
  if (handoff.status === 'resolved') throw new StaffApiError(409, 'HandoffResolved', 'This conversation has gone back to the bot already.');
  return handoff;
}

async function load(deps: StaffApiDependencies, id: string): Promise<HandoffRecord> {
  const handoff = await deps.store.handoffs.get(id);
  if (!handoff) throw notFound('handoff');
  return handoff;
}

/**
 * Turns handoffs into what the console shows, looking each conversation, colleague and contact up
 * once per request. `waitSeconds` is how long the beneficiary waited for a person: until now while
 * waiting, until the claim (or the close, when nobody claimed it) after.
 */
function viewer(deps: StaffApiDependencies): (handoff: HandoffRecord) => Promise<HandoffView> {
  const conversation = memo((id) => deps.store.conversations.get(id));
  const staff = memo((id) => deps.store.staff.get(id));
  const contact = memo((id) => deps.store.contacts.get(id));
  return async (h) => {
    const [conv, assignee, person] = await Promise.all([
      conversation(h.conversationId),
      h.assigneeId ? staff(h.assigneeId) : null,
      h.contactId ? contact(h.contactId) : null,
    ]);
    const waitedUntil = h.claimedAt ?? h.resolvedAt ?? new Date();
    return {
      id: h.id,
      conversationId: h.conversationId,
      channel: conv?.channel ?? null,
      status: h.status,
      reason: h.reason,
      urgent: isUrgent(h),
      createdAt: h.createdAt,
      claimedAt: h.claimedAt,
      resolvedAt: h.resolvedAt,
      assignee: assignee ? { id: assignee.id, displayName: assignee.displayName } : null,
      waitSeconds: Math.max(0, Math.round((waitedUntil.getTime() - h.createdAt.getTime()) / 1000)),
      contact: person ? { id: person.id, displayName: person.displayName } : null,
    };
  };
}

type HandoffView = {
  id: string;
  conversationId: string;
  channel: string | null;
  status: HandoffRecord['status'];
  reason: string;
  /** An open handoff raised for severe distress (`src/safety/`): shown first among the waiting, marked «عاجل / Urgent». */
  urgent: boolean;
  createdAt: Date;
  claimedAt: Date | null;
  resolvedAt: Date | null;
  assignee: { id: string; displayName: string } | null;
  waitSeconds: number;
  contact: { id: string; displayName: string | null } | null;
};

/** Open and raised (or escalated) for severe distress; once closed it is history, no longer urgent. */
function isUrgent(h: HandoffRecord): boolean {
  return h.reason === DISTRESS_REASON && h.status !== 'resolved';
}

/**
 * Urgent waiting handoffs first, everything else in the store's order (oldest waiting first). The
 * store pages by creation time, so this orders the page asked for; the console's waiting list is one page.
 */
function urgentFirst(views: HandoffView[]): HandoffView[] {
  const first = (v: HandoffView) => (v.urgent && v.status === 'waiting' ? 0 : 1);
  return views.map((v, i) => ({ v, i })).sort((a, b) => first(a.v) - first(b.v) || a.i - b.i).map(({ v }) => v);
}

function memo<T>(get: (id: string) => Promise<T>): (id: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>();
  return (id) => {
    const known = seen.get(id);
    if (known) return known;
    const fresh = get(id);
    seen.set(id, fresh);
    return fresh;
  };
}

/** Whether a transcript message is a staff note that the beneficiary never sees. */
function isPrivateNote(m: Pick<MessageRecord, 'activity'>): boolean {
  const channelData = m.activity['channelData'] as { private?: unknown } | null | undefined;
  return typeof channelData === 'object' && channelData !== null && channelData.private === true;
}

/**
 * The support requests of the conversation's contact (drafts left out), newest first, as the
 * conversation view lists them; the Requests tab has the rest.
 */
async function requestsOf(deps: StaffApiDependencies, handoff: HandoffRecord) {
  const contactId = handoff.contactId ?? (await deps.store.conversations.get(handoff.conversationId))?.contactId ?? null;
  if (!contactId) return [];
  const found = await deps.store.supportRequests.list({ contactId, limit: 50 });
  return found.filter((r) => r.status !== 'draft').map(requestSummary);
}

/**
 * One transcript line: who wrote what, with the files sent (fetched separately by `fileId`); `private`
 * for a note; for an outgoing message, how far it got (`delivery`, null when never recorded).
 */
function transcriptEntry(m: MessageRecord) {
  const { text, attachments } = m.activity as { text?: unknown; attachments?: unknown };
  return {
    seq: m.seq,
    direction: m.direction,
    author: m.author,
    private: isPrivateNote(m),
    text: typeof text === 'string' ? text : null,
    attachments: Array.isArray(attachments) ? attachments.map(attachmentOf) : [],
    delivery: deliveryOf(m),
    createdAt: m.createdAt,
  };
}

/** A transcript line whose words are medical and kept back from this reader: who and when, no text or files. */
function withheldEntry(m: MessageRecord) {
  return { ...transcriptEntry(m), text: null, attachments: [], withheld: true };
}

/** The state, its time and the error code; the platform's id for the message is no business of the console. */
function deliveryOf(m: MessageRecord): { state: DeliveryState; at: Date; error: string | null } | null {
  if (m.direction !== 'outgoing' || !m.delivery) return null;
  return { state: m.delivery.state, at: m.delivery.at, error: m.delivery.error };
}

function attachmentOf(raw: unknown): { name: string | null; contentType: string | null; fileId: string | null } {
  const a = (raw ?? {}) as { name?: unknown; contentType?: unknown; content?: { fileId?: unknown } | null };
  const fileId = a.content?.fileId;
  return {
    name: typeof a.name === 'string' ? a.name : null,
    contentType: typeof a.contentType === 'string' ? a.contentType : null,
    fileId: typeof fileId === 'string' ? fileId : null,
  };
}

/** Like `parseBody`, for the query string: 400 naming the parameter and what it accepts. */
function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') ? `query parameter ${issue.path.join('.')}` : 'query';
  throw badRequest(`${where}: ${issue?.message ?? 'invalid'}`);
}

/** Audits a staff action on a handoff; details carry ids only. */
async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, handoff: HandoffRecord, details: Record<string, unknown>): Promise<void> {
  const staff = request.staff as StaffUserRecord;
  await deps.store.audit.record({ actor: `staff:${staff.id}`, action, subjectType: 'handoff', subjectId: handoff.id, details: { conversationId: handoff.conversationId, ...details } });
}
