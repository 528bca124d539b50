import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashSecret } from '../security/cipher.js';

/** A staff session lasts this long after its last use (sliding). */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;
/** However busy, a session ends this long after sign-in (`STAFF_SESSION_MAX_AGE_MS` overrides). */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export type StaffSession = { staffId: string; createdAt: string };

export type StaffSessionsOptions = {
  /** The absolute lifetime from sign-in, in ms. Default {@link SESSION_MAX_AGE_MS}. */
  maxAgeMs?: number;
  /** The clock that dates a sign-in and judges its age; default `Date.now` (tests pass their own). */
  now?: () => number;
};

/**
 * Staff sign-in sessions in Redis, so any web process can serve any request. The cookie carries a
 * random token; Redis keeps only its SHA-256, so a leaked Redis dump opens no session.
 *
 * A session ends after 8 hours unused (sliding) and, whatever its use, `maxAgeMs` after sign-in
 * (absolute): a stolen cookie kept busy does not live forever. Each staff member's sessions are
 * indexed (`<prefix>:staff-sessions:<staffId>`, a set of token hashes) so that deactivating an
 * account, changing its role or resetting its password ends them all at once ({@link endAll}).
 */
export class StaffSessions {
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: StaffSessionsOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? SESSION_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  /** The cookie's Max-Age in seconds: the sliding expiry, never past the absolute lifetime. */
  get cookieMaxAgeSeconds(): number {
    return Math.min(SESSION_TTL_SECONDS, Math.ceil(this.maxAgeMs / 1000));
  }

  async create(staffId: string): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    const session: StaffSession = { staffId, createdAt: new Date(this.now()).toISOString() };
    const hash = hashSecret(token);
    await this.redis
      .multi()
      .set(this.key(hash), JSON.stringify(session), 'EX', this.ttlSeconds(0))
      .sadd(this.indexKey(staffId), hash)
      .pexpire(this.indexKey(staffId), this.maxAgeMs)
      .exec();
    return token;
  }

  /** The session behind a token, extended on use (never past its absolute end); null when unknown or expired. */
  async get(token: string): Promise<StaffSession | null> {
    const key = this.key(hashSecret(token));
    const raw = await this.redis.get(key);
    const session = raw ? parse(raw) : null;
    if (!session) return null;
    const age = this.now() - Date.parse(session.createdAt);
    if (!(age < this.maxAgeMs)) {
      await this.redis.del(key);
      return null;
    }
    await this.redis.expire(key, this.ttlSeconds(age));
    return session;
  }

  async destroy(token: string): Promise<void> {
    await this.redis.del(this.key(hashSecret(token)));
  }

  /** Ends every session of a staff member (deactivated, role changed, password reset or changed); returns how many. */
  async endAll(staffId: string): Promise<number> {
    const hashes = await this.redis.smembers(this.indexKey(staffId));
    const keys = hashes.map((h) => this.key(h));
    const [deleted] = await Promise.all([keys.length > 0 ? this.redis.del(...keys) : Promise.resolve(0), this.redis.del(this.indexKey(staffId))]);
    return deleted;
  }

  /** Redis expiry for a session of this age: the sliding window, cut at the absolute end. */
  private ttlSeconds(ageMs: number): number {
    return Math.max(1, Math.min(SESSION_TTL_SECONDS, Math.ceil((this.maxAgeMs - ageMs) / 1000)));
  }

  private key(hash: string): string {
    return `${this.prefix}:staff-session:${hash}`;
  }

  private indexKey(staffId: string): string {
    return `${this.prefix}:staff-sessions:${staffId}`;
  }
}

function parse(raw: string): StaffSession | null {
  try {
    const value = JSON.parse(raw) as Partial<StaffSession>;
    return typeof value.staffId === 'string' && typeof value.createdAt === 'string' ? { staffId: value.staffId, createdAt: value.createdAt } : null;
  } catch {
    return null;
  }
}
