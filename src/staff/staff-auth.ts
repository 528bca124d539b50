import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import { retryAfterSeconds, type RateLimiter } from '../security/rate-limit.js';
import { normalizeEmail } from '../store/record-values.js';
import type { StaffRole, StaffUserRecord, Store } from '../store/types.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import { badRequest, forbidden, StaffApiError, unauthorized } from './staff-api-error.js';
import type { StaffSessions } from './staff-sessions.js';

export const SESSION_COOKIE = 'injab_staff';
/** Failed sign-ins in a row before the account waits; and how long it waits. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffUserRecord | null;
  }
}

/**
 * Failed sign-ins counted per client address (`request.ip`, the proxy's `X-Forwarded-For` when
 * `TRUST_PROXY` is on): `failures` in `windowMs`, then every sign-in from that address waits for the
 * window to end — so one address cannot spray passwords over many accounts. 0 failures: off.
 */
export type SignInThrottle = { limiter: RateLimiter; failures: number; windowMs: number };

export type StaffAuthDependencies = {
  store: Store;
  sessions: StaffSessions;
  /** Per-address throttle of failed sign-ins; absent: only the per-account lockout applies. */
  signInThrottle?: SignInThrottle;
};

/** The limiter's name for failed staff sign-ins per address. */
const SIGN_IN_LIMIT = 'staff-signin-address';

/** Changing one's own password: the current one (a borrowed unlocked screen is not enough) and a new one. */
export const passwordChangeBody = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(12, { message: 'at least 12 characters' }).max(200) })
  .strict();

const credentials = z.object({ email: z.string().min(3).max(200), password: z.string().min(1).max(200) }).strict();

/** Parses a zod schema from a request part, answering 400 with the field and problem otherwise. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badRequest(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Staff sign-in for the console and the API: a session cookie (HttpOnly, SameSite=Strict, Secure
 * behind TLS) and a slowdown after repeated failures (the account waits 15 minutes after 5 wrong
 * passwords; an address waits after `signInThrottle.failures` failed sign-ins, whatever the emails).
 * Also one's own password change, which ends every other session. Registered inside
 * {@link staffApi}, which adds the origin check and error format.
 */
export async function staffAuthRoutes(app: FastifyInstance, deps: StaffAuthDependencies): Promise<void> {
  app.post('/staff/api/session', async (request, reply) => {
    const { email, password } = parseBody(credentials, request.body);
    const throttle = deps.signInThrottle && deps.signInThrottle.failures > 0 ? deps.signInThrottle : null;
    const rule = throttle ? { limit: throttle.failures, windowMs: throttle.windowMs } : null;
    if (throttle && rule) {
      // Checked before the password, so a throttled address learns nothing, not even a right guess.
      const standing = await throttle.limiter.peek(SIGN_IN_LIMIT, request.ip, rule);
      if (!standing.allowed) {
        const seconds = retryAfterSeconds(standing);
        const minutes = Math.ceil(seconds / 60);
        reply.header('retry-after', String(seconds));
        throw new StaffApiError(429, 'TooManyAttemptsFromAddress', `Too many failed sign-ins from this network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
      }
    }
    const staff = await deps.store.staff.findByEmail(normalizeEmail(email));
    const now = new Date();
    if (staff?.lockedUntil && staff.lockedUntil > now) {
      throw new StaffApiError(429, 'TooManyAttempts', `Too many wrong passwords. Try again after ${staff.lockedUntil.toISOString()}.`);
    }
    // The same work and the same answer for an unknown email and a wrong password.
    const ok = await verifyPassword(password, staff?.passwordHash ?? DUMMY_HASH);
    if (!staff || !ok || !staff.active) {
      if (staff) await recordFailure(deps.store, staff, now);
      if (throttle && rule) await countAddressFailure(deps, throttle, rule, request);
      throw new StaffApiError(401, 'InvalidCredentials', 'The email or the password is wrong.');
    }
    await deps.store.staff.update(staff.id, { failedLogins: 0, lockedUntil: null });
    const token = await deps.sessions.create(staff.id);
    await deps.store.audit.record({ actor: `staff:${staff.id}`, action: 'staff.signed_in', subjectType: 'staff', subjectId: staff.id, details: {} });
    setSessionCookie(request, reply, token, deps.sessions.cookieMaxAgeSeconds);
    return publicStaff(staff);
  });

  app.delete('/staff/api/session', async (request, reply) => {
    const token = sessionToken(request);
    if (token) await deps.sessions.destroy(token);
    setSessionCookie(request, reply, '', 0);
    return reply.code(204).send();
  });

  app.get('/staff/api/me', { preHandler: requireStaff(deps) }, async (request) => publicStaff(request.staff as StaffUserRecord));

  // A new password ends every session of the account (a phone left signed in somewhere, a stolen
  // cookie); the caller gets a fresh one, so only the device that changed it stays signed in.
  app.post('/staff/api/me/password', { preHandler: requireStaff(deps) }, async (request, reply) => {
    const body = parseBody(passwordChangeBody, request.body);
    const staff = request.staff as StaffUserRecord;
    // Wrong current passwords count towards the account's lockout, as at sign-in.
    if (staff.lockedUntil && staff.lockedUntil > new Date()) {
      throw new StaffApiError(429, 'TooManyAttempts', `Too many wrong passwords. Try again after ${staff.lockedUntil.toISOString()}.`);
    }
    if (!(await verifyPassword(body.currentPassword, staff.passwordHash))) {
      await recordFailure(deps.store, staff, new Date());
      throw new StaffApiError(403, 'WrongPassword', 'The current password is wrong.');
    }
    await deps.store.staff.update(staff.id, { passwordHash: await hashPassword(body.newPassword) });
    const sessionsEnded = await deps.sessions.endAll(staff.id);
    const token = await deps.sessions.create(staff.id);
    await deps.store.audit.record({ actor: `staff:${staff.id}`, action: 'staff.password_changed', subjectType: 'staff', subjectId: staff.id, details: { sessionsEnded } });
    setSessionCookie(request, reply, token, deps.sessions.cookieMaxAgeSeconds);
    return reply.code(204).send();
  });
}

/**
 * A preHandler that lets the request through only with a valid session of an active staff member
 * (401 otherwise) whose role is one of `roles` when given (403 otherwise).
 */
export function requireStaff(deps: StaffAuthDependencies, ...roles: StaffRole[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = sessionToken(request);
    const session = token ? await deps.sessions.get(token) : null;
    const staff = session ? await deps.store.staff.get(session.staffId) : null;
    if (!staff || !staff.active) throw unauthorized();
    if (roles.length > 0 && !roles.includes(staff.role)) throw forbidden(`do this (${roles.join(' or ')} only)`);
    request.staff = staff;
  };
}

/** Creates the first admin when there is no staff account: from ADMIN_EMAIL/ADMIN_PASSWORD, or generated and shown once. */
export async function ensureFirstAdmin(store: Store, admin: { email: string | undefined; password: string | undefined }, logger: Logger): Promise<void> {
  if ((await store.staff.count()) > 0) return;
  const email = normalizeEmail(admin.email ?? 'admin@injab.local');
  const password = admin.password ?? generatePassword();
  await store.staff.create({ email, passwordHash: await hashPassword(password), role: 'admin', displayName: 'Admin', active: true });
  if (admin.password) logger.info({ event: 'staff.first_admin' }, `first admin account created for ${email}`);
  else logger.warn({ event: 'staff.first_admin_generated' }, `first admin account created: ${email} with password ${password} (shown once; change it after signing in)`);
}

export const publicStaff = (s: StaffUserRecord) => ({ id: s.id, email: s.email, role: s.role, displayName: s.displayName, active: s.active });

async function recordFailure(store: Store, staff: StaffUserRecord, now: Date): Promise<void> {
  const failedLogins = staff.failedLogins + 1;
  const locked = failedLogins >= MAX_FAILED_LOGINS;
  await store.staff.update(staff.id, { failedLogins: locked ? 0 : failedLogins, lockedUntil: locked ? new Date(now.getTime() + LOCKOUT_MS) : staff.lockedUntil });
  await store.audit.record({
    actor: `staff:${staff.id}`,
    action: locked ? 'staff.locked_out' : 'staff.sign_in_failed',
    subjectType: 'staff',
    subjectId: staff.id,
    details: { failedLogins },
  });
}

/**
 * Counts a failed sign-in against the client's address. The failure that reaches the limit is
 * audited and logged once per window, with the address and never the email (which could be a
 * colleague's, or a password typed into the wrong box).
 */
async function countAddressFailure(deps: StaffAuthDependencies, throttle: SignInThrottle, rule: { limit: number; windowMs: number }, request: FastifyRequest): Promise<void> {
  const hit = await throttle.limiter.hit(SIGN_IN_LIMIT, request.ip, rule);
  if (hit.count !== rule.limit) return;
  const details = { address: request.ip, failures: hit.count, windowMs: rule.windowMs };
  request.log.warn({ event: 'staff.signin_throttled', ...details }, 'too many failed staff sign-ins from one address; it waits for the window to end');
  await deps.store.audit.record({ actor: 'system', action: 'staff.sign_in_throttled', subjectType: 'address', subjectId: request.ip, details });
}

/** The session token from the request's cookie; null when there is none. */
function sessionToken(request: FastifyRequest): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.length > 0) return decodeURIComponent(value.join('='));
  }
  return null;
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAge: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`);
}

/** A real scrypt hash of a random password: verifying against it costs what a real check costs. */
const DUMMY_HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
