import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { I18n } from '../i18n/i18n.js';
import { enqueueOutbound } from '../queues/outbound-queue.js';
import { VOLUNTEER_STATUSES } from '../store/record-values.js';
import type { StaffUserRecord, VolunteerRecord, VolunteerStatus } from '../store/types.js';
import { pageQuery } from './admin-routes.js';
import type { StaffApiDependencies } from './staff-api.js';
import { notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, requireStaff } from './staff-auth.js';

export const volunteerListQuery = pageQuery.extend({ status: z.enum(VOLUNTEER_STATUSES).optional() }).strict();
export const volunteerStatusBody = z.object({ status: z.enum(VOLUNTEER_STATUSES), note: z.string().trim().max(1000).optional() }).strict();

/**
 * Where a volunteer's application may go: the team gets in touch (contacted), then takes them on
 * (active) or not (declined); an active volunteer may stop, and a declined one be approached again.
 * Saving the same status only changes the team's note.
 */
export const VOLUNTEER_NEXT: Readonly<Record<VolunteerStatus, readonly VolunteerStatus[]>> = {
  new: ['contacted', 'active', 'declined'],
  contacted: ['active', 'declined'],
  active: ['declined'],
  declined: ['contacted'],
};

/**
 * Volunteers who registered through the bot, for officers and admins (the volunteering team):
 *
 * - `GET /staff/api/volunteers?status`: newest first with name, city, field and availability (the
 *   view is audited with the ids, as it names people); the phone is in the audited detail only.
 * - `GET /staff/api/volunteers/:id`: one volunteer with the phone number (audited).
 * - `POST /staff/api/volunteers/:id/status` `{status, note?}`: moves the application on (409 for a
 *   step the table above does not allow), tells the volunteer politely in their language, audited
 *   without the note and heard live (`volunteer.changed`).
 */
export async function volunteerRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store } = deps;
  const team = { preHandler: requireStaff(deps, 'officer', 'admin') };

  app.get('/staff/api/volunteers', team, async (request, reply) => {
    const query = parseBody(volunteerListQuery, request.query);
    const filter = query.status ? { status: query.status } : {};
    const [found, total] = await Promise.all([store.volunteers.list({ ...filter, limit: query.limit, offset: query.offset }), store.volunteers.count(filter)]);
    const items = found.map((v) => volunteerSummary(v, deps.i18n));
    await audit(deps, request, 'volunteer.list_viewed', 'list', { ...filter, volunteerIds: items.map((v) => v.id) });
    reply.header('cache-control', 'no-store');
    return { items, total, limit: query.limit, offset: query.offset };
  });

  app.get<{ Params: { id: string } }>('/staff/api/volunteers/:id', team, async (request, reply) => {
    const volunteer = await load(deps, request.params.id);
    await audit(deps, request, 'volunteer.viewed', volunteer.id, {});
    reply.header('cache-control', 'no-store');
    return { ...volunteerSummary(volunteer, deps.i18n), phone: volunteer.phone, contactId: volunteer.contactId, conversationId: volunteer.conversationId };
  });

  app.post<{ Params: { id: string } }>('/staff/api/volunteers/:id/status', team, async (request, reply) => {
    const body = parseBody(volunteerStatusBody, request.body);
    const volunteer = await load(deps, request.params.id);
    const moving = body.status !== volunteer.status;
    if (moving && !VOLUNTEER_NEXT[volunteer.status].includes(body.status)) {
      throw new StaffApiError(
        409,
        'InvalidTransition',
        `A volunteer who is ${volunteer.status} cannot become ${body.status} (allowed: ${VOLUNTEER_NEXT[volunteer.status].join(', ') || 'none'}).`,
      );
    }
    const updated = await store.volunteers.update(volunteer.id, { status: body.status, staffNote: body.note || null });
    await audit(deps, request, moving ? 'volunteer.status_changed' : 'volunteer.note_changed', volunteer.id, moving ? { from: volunteer.status, to: body.status } : {});
    await deps.events.publish({ type: 'volunteer.changed', id: volunteer.id, conversationId: volunteer.conversationId });
    if (moving && body.status !== 'new') {
      await enqueueOutbound(deps.outbound, {
        conversationId: volunteer.conversationId,
        idempotencyKey: `volunteer-${volunteer.id}-${body.status}-${Date.now()}`,
        key: `notices.volunteer.${body.status}`,
        automatic: true,
      });
    }
    reply.header('cache-control', 'no-store');
    return volunteerSummary(updated, deps.i18n);
  });
}

/** A volunteer as the team's table shows it; the city with its display names from the bot's locales. */
function volunteerSummary(v: VolunteerRecord, i18n: I18n) {
  const city = (locale: 'ar' | 'en') => (i18n.has(locale, `cities.${v.city}`) ? i18n.t(locale, `cities.${v.city}`) : v.city);
  return {
    id: v.id,
    name: v.name,
    city: v.city,
    cityLabel: { ar: city('ar'), en: city('en') },
    field: v.field,
    fieldDetails: v.fieldDetails,
    availability: v.availability,
    status: v.status,
    staffNote: v.staffNote,
    channel: v.channel,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    /** Where the status may go next: the console offers exactly these (and the current one, to save a note). */
    nextStatuses: VOLUNTEER_NEXT[v.status],
  };
}

async function load(deps: StaffApiDependencies, id: string): Promise<VolunteerRecord> {
  const found = await deps.store.volunteers.get(id);
  if (!found) throw notFound('volunteer');
  return found;
}

async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
  await deps.store.audit.record({ actor: `staff:${(request.staff as StaffUserRecord).id}`, action, subjectType: 'volunteer', subjectId, details });
}
