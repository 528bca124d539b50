import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashSecret } from '../security/cipher.js';

/** A staff session lasts this long after its last use (sliding). */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

export type StaffSession = { staffId: string; createdAt: string };

/**
 * Staff sign-in sessions in Redis, so any web process can serve any request. The cookie carries a
 * random token; Redis keeps only its SHA-256, so a leaked Redis dump opens no session.
 */
export class StaffSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async create(staffId: string): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    const session: StaffSession = { staffId, createdAt: new Date().toISOString() };
    await this.redis.set(this.key(token), JSON.stringify(session), 'EX', SESSION_TTL_SECONDS);
    return token;
  }

  /** The session behind a token, extended on use; null when unknown or expired. */
  async get(token: string): Promise<StaffSession | null> {
    const key = this.key(token);
    const raw = await this.redis.getex(key, 'EX', SESSION_TTL_SECONDS);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StaffSession;
    } catch {
      return null;
    }
  }

  async destroy(token: string): Promise<void> {
    await this.redis.del(this.key(token));
  }

  private key(token: string): string {
    return `${this.prefix}:staff-session:${hashSecret(token)}`;
  }
}
