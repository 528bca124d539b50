import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { LockTimeoutError } from '../errors/lock-timeout-error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable-error.js';

/**
 * Runs work for one key (a conversation) at a time. Two messages of one conversation are never
 * handled together — not in one process, and not in two processes sharing a Redis.
 */
export interface TurnLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * Throws `RedisUnavailableError` when no lock can be taken right now (Redis is away), so a caller
   * can refuse a message before it stores anything. Absent: always available.
   */
  assertAvailable?(): void;
}

/** Serializes per key inside this process: each key's work waits for the previous one to settle. */
export class LocalTurnLock implements TurnLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    }
  }
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Replaces a lock's value only if it is still the one seen (compare and set). */
const TAKE_OVER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return false end`;

/** How long a lock is waited for before asking whether its holder's connection is still there. */
const CHECK_HOLDER_AFTER_MS = 200;

export type RedisTurnLockOptions = {
  /** Key prefix, e.g. `injab:lock:`. */
  prefix: string;
  /** How long a lock lives without renewal (ms); renewed every third of it while work runs. Default 30 s. */
  ttlMs?: number;
  /** How long to wait for a busy lock before giving up (ms). Default 30 s. */
  waitMs?: number;
  /** Told when a renewal fails (the lock may expire under a long turn). */
  onRenewError?: (error: unknown) => void;
  /** Told when a release fails (Redis went away during the turn); the lock then expires on its own after `ttlMs`. */
  onReleaseError?: (error: unknown) => void;
};

/**
 * A Redis lock (SET NX PX with a random token, released and extended only by its holder) in front
 * of the local queue, so a process asks Redis once per turn rather than once per waiting message.
 *
 * The token starts with the holder's Redis client id. A process killed while it holds a lock
 * (`kill -9`, a crash) leaves the key for its TTL, but its connection closes at once; so a waiter
 * that has waited a little asks Redis whether that client is still connected (`CLIENT LIST ID`)
 * and, when it is not, takes the lock over (compare and set). Without this, every conversation
 * that was mid-turn at a crash stood still for up to the TTL after the restart, and a Telegram
 * poll batch with one such chat held back every other chat with it. A holder that is only slow
 * (a long pause) keeps its connection and its lock. Where `CLIENT` is not allowed, the TTL decides.
 */
export class RedisTurnLock implements TurnLock {
  private readonly local = new LocalTurnLock();
  private readonly ttlMs: number;
  private readonly waitMs: number;
  /** This connection's client id; asked again after a reconnection, which gets a new one. */
  private clientId: Promise<string> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisTurnLockOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 30_000;
    redis.on('ready', () => {
      this.clientId = null;
    });
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, () => this.withRedisLock(key, work));
  }

  /** Redis is away (reconnecting) when the connection is not ready; `status` costs no round trip. */
  assertAvailable(): void {
    if (this.redis.status !== 'ready') throw new RedisUnavailableError(`Redis is not connected (${this.redis.status}); the turn lock cannot be taken.`);
  }

  private async withRedisLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const redisKey = `${this.options.prefix}${key}`;
    const token = `${await this.ownClientId()}:${crypto.randomBytes(12).toString('hex')}`;
    const started = Date.now();
    const deadline = started + this.waitMs;
    let delay = 5;
    while ((await this.take(redisKey, token, deadline)) !== 'OK') {
      if (Date.now() - started > CHECK_HOLDER_AFTER_MS && (await this.takeOverFromGone(redisKey, token))) break;
      if (Date.now() > deadline) throw new LockTimeoutError(key);
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
    const renew = setInterval(() => {
      this.redis.eval(EXTEND, 1, redisKey, token, String(this.ttlMs)).catch((error: unknown) => this.options.onRenewError?.(error));
    }, Math.floor(this.ttlMs / 3));
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      // The turn has run and its state is saved: a failed release must not turn it into an error.
      await this.release(redisKey, token);
    }
  }

  /**
   * One SET NX attempt, once the connection is ready (waiting for a reconnect until `deadline`); a
   * Redis that stays away or does not answer becomes `RedisUnavailableError`. A SET that timed out
   * may still reach Redis later, so a release with the same token is queued behind it on the same
   * connection: a lock nobody holds never blocks the conversation for `ttlMs`.
   */
  private async take(redisKey: string, token: string, deadline: number): Promise<string | null> {
    while (this.redis.status !== 'ready' && Date.now() < deadline) await sleep(100);
    this.assertAvailable();
    try {
      return await this.redis.set(redisKey, token, 'PX', this.ttlMs, 'NX');
    } catch (error) {
      void this.release(redisKey, token);
      throw new RedisUnavailableError('Redis did not answer; the turn lock could not be taken.', error);
    }
  }

  private async release(redisKey: string, token: string): Promise<void> {
    try {
      await this.redis.eval(RELEASE, 1, redisKey, token);
    } catch (error) {
      this.options.onReleaseError?.(error);
    }
  }

  private ownClientId(): Promise<string> {
    this.clientId ??= this.redis.call('CLIENT', 'ID').then(
      (id) => String(id),
      () => 'na',
    );
    return this.clientId;
  }

  /** Takes the lock when its holder's connection is gone (the holder died); true when it did. */
  private async takeOverFromGone(redisKey: string, token: string): Promise<boolean> {
    try {
      const held = await this.redis.get(redisKey);
      const holder = held?.split(':')[0];
      if (!held || !holder || !/^\d+$/.test(holder)) return false;
      const clients = await this.redis.call('CLIENT', 'LIST', 'ID', holder);
      if (typeof clients !== 'string' || clients.trim() !== '') return false;
      return (await this.redis.eval(TAKE_OVER, 1, redisKey, held, token, String(this.ttlMs))) === 'OK';
    } catch {
      // CLIENT not allowed, or Redis away: the next SET NX reports the latter; the TTL decides.
      return false;
    }
  }
}
