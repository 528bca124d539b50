import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { LockTimeoutError } from '../errors/lock-timeout-error.js';

/**
 * Runs work for one key (a conversation) at a time. Two messages of one conversation are never
 * handled together — not in one process, and not in two processes sharing a Redis.
 */
export interface TurnLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
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

export type RedisTurnLockOptions = {
  /** Key prefix, e.g. `injab:lock:`. */
  prefix: string;
  /** How long a lock lives without renewal (ms); renewed every third of it while work runs. Default 30 s. */
  ttlMs?: number;
  /** How long to wait for a busy lock before giving up (ms). Default 30 s. */
  waitMs?: number;
  /** Told when a renewal fails (the lock may expire under a long turn). */
  onRenewError?: (error: unknown) => void;
};

/**
 * A Redis lock (SET NX PX with a random token, released and extended only by its holder) in front
 * of the local queue, so a process asks Redis once per turn rather than once per waiting message.
 */
export class RedisTurnLock implements TurnLock {
  private readonly local = new LocalTurnLock();
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisTurnLockOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 30_000;
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, () => this.withRedisLock(key, work));
  }

  private async withRedisLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const redisKey = `${this.options.prefix}${key}`;
    const token = crypto.randomBytes(12).toString('hex');
    const deadline = Date.now() + this.waitMs;
    let delay = 5;
    while ((await this.redis.set(redisKey, token, 'PX', this.ttlMs, 'NX')) !== 'OK') {
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
      await this.redis.eval(RELEASE, 1, redisKey, token);
    }
  }
}
