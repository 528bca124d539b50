import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { StoreConflictError } from '../errors/store-errors.js';
import { normalizeEmail, STAFF_ROLES } from '../store/record-values.js';
import type { StaffUserRecord } from '../store/types.js';
import { hashPassword } from './password.js';
import type { StaffApiDependencies } from './staff-api.js';
import { notFound, StaffApiError } from './staff-api-error.js';
import { parseBody, publicStaff, requireStaff } from './staff-auth.js';

export const newStaffBody = z
  .object({
    email: z.email().max(200),
    displayName: z.string().trim().min(1).max(100),
    role: z.enum(STAFF_ROLES),
    password: z.string().min(12, { message: 'at least 12 characters' }).max(200),
  })
  .strict();

export const staffPatchBody = z
  .object({ role: z.enum(STAFF_ROLES).optional(), active: z.boolean().optional(), displayName: z.string().trim().min(1).max(100).optional() })
  .strict();

/** An admin sets a new password for a colleague (who forgot theirs, or whose account may be in other hands). */
export const passwordResetBody = z.object({ password: z.string().min(12, { message: 'at least 12 characters' }).max(200) }).strict();

export const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) }).strict();

/** Staff accounts and the audit log: the admin's part of the console. */
export async function adminRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { store } = deps;
  const admin = { preHandler: requireStaff(deps, 'admin') };

  app.get('/staff/api/staff', admin, async (request) => {
    const page = parseBody(pageQuery, request.query);
    return { items: (await store.staff.list(page)).map(publicStaff), ...page };
  });

  app.post('/staff/api/staff', admin, async (request, reply) => {
    const body = parseBody(newStaffBody, request.body);
    try {
      const created = await store.staff.create({ email: normalizeEmail(body.email), displayName: body.displayName, role: body.role, passwordHash: await hashPassword(body.password), active: true });
      await audit(deps, request, 'staff.created', created.id, { role: created.role });
      return reply.code(201).send(publicStaff(created));
    } catch (error) {
      if (error instanceof StoreConflictError) throw new StaffApiError(409, 'Conflict', 'A staff account with this email exists.');
      throw error;
    }
  });

  app.patch<{ Params: { id: string } }>('/staff/api/staff/:id', admin, async (request) => {
    const body = parseBody(staffPatchBody, request.body);
    const before = await store.staff.get(request.params.id);
    if (!before) throw notFound('staff account');
    const self = (request.staff as StaffUserRecord).id === request.params.id;
    if (self && (body.active === false || (body.role && body.role !== 'admin'))) {
      throw new StaffApiError(409, 'Conflict', 'An admin cannot deactivate or demote their own account.');
    }
    const updated = await store.staff.update(request.params.id, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
    // A deactivated account or a changed role signs in again: no session keeps what the account had
    // (a reactivated account must not find its old sessions alive either).
    const endSessions = (body.active === false && before.active) || (body.role !== undefined && body.role !== before.role);
    const sessionsEnded = endSessions ? await deps.sessions.endAll(updated.id) : 0;
    await audit(deps, request, 'staff.updated', updated.id, { fields: Object.keys(body), ...(endSessions ? { sessionsEnded } : {}) });
    return publicStaff(updated);
  });

  app.post<{ Params: { id: string } }>('/staff/api/staff/:id/password', admin, async (request, reply) => {
    const { password } = parseBody(passwordResetBody, request.body);
    if (!(await store.staff.get(request.params.id))) throw notFound('staff account');
    await store.staff.update(request.params.id, { passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null });
    const sessionsEnded = await deps.sessions.endAll(request.params.id);
    await audit(deps, request, 'staff.password_reset', request.params.id, { sessionsEnded });
    return reply.code(204).send();
  });

  app.get('/staff/api/audit', admin, async (request) => {
    const page = parseBody(pageQuery, request.query);
    return { items: await store.audit.list(page), ...page };
  });
}

async function audit(deps: StaffApiDependencies, request: FastifyRequest, action: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
  await deps.store.audit.record({ actor: `staff:${(request.staff as StaffUserRecord).id}`, action, subjectType: 'staff', subjectId, details });
}
