import type { Redis } from 'ioredis';

/** One limit: at most `limit` hits per `windowMs`. */
export type RateLimitRule = { limit: number; windowMs: number };

/** What one hit learned: whether it is within the limit, its number in the window, and when the window ends. */
export type RateLimitResult = {
  allowed: boolean;
  /** This hit's number in the current window (1 for the first); `limit + 1` is the first one refused. */
  count: number;
  /** Milliseconds until the window ends and hits are allowed again. */
  retryAfterMs: number;
};

export type RateLimiterOptions = {
  /** Key prefix; keys are `<prefix><name>:<subject>`. The app passes `<REDIS_PREFIX>:ratelimit:`. */
  prefix: string;
  /**
   * Told when Redis does not answer. The hit is then allowed: a limiter outage must not lock
   * beneficiaries out of the chat (the turn lock fails loudly on its own if Redis is really gone).
   */
  onError?: (error: unknown) => void;
};

// INCR and the window's expiry in one step, so a crash between them can never leave a counter
// without an expiry (which would refuse its subject forever).
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/**
 * A fixed-window counter per subject in Redis (shared by every process): the first hit opens a
 * window of `windowMs`, each hit counts, and hits past `limit` are refused until the window ends.
 * Fixed windows allow up to twice the limit across a window boundary; for "a person typing, or a
 * script hammering" that is precise enough, and it costs one round trip.
 *
 * @example
 *   const limiter = new RateLimiter(redis, { prefix: 'injab:ratelimit:' });
 *   const hit = await limiter.hit('dl-address', request.ip, { limit: 120, windowMs: 60_000 });
 *   if (!hit.allowed) reply.header('retry-after', Math.ceil(hit.retryAfterMs / 1000));
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: RateLimiterOptions,
  ) {}

  /** Counts one hit of `subject` under the limit called `name`. */
  async hit(name: string, subject: string, rule: RateLimitRule): Promise<RateLimitResult> {
    try {
      const reply = await this.redis.eval(HIT_SCRIPT, 1, `${this.options.prefix}${name}:${subject}`, String(rule.windowMs));
      const [count, ttl] = Array.isArray(reply) ? reply.map(Number) : [];
      if (count === undefined || ttl === undefined || !Number.isFinite(count)) throw new Error('unexpected reply from the rate-limit script');
      return { allowed: count <= rule.limit, count, retryAfterMs: Math.max(0, ttl) };
    } catch (error) {
      this.options.onError?.(error);
      return { allowed: true, count: 0, retryAfterMs: 0 };
    }
  }

  /**
   * Where `subject` stands under `name` without counting a hit: `allowed` says whether one more hit
   * would still be within `rule.limit`. For limits that count only failures (staff sign-in), checked
   * before the attempt and hit after a failed one. Like `hit`, it lets the request through when Redis
   * does not answer.
   */
  async peek(name: string, subject: string, rule: RateLimitRule): Promise<RateLimitResult> {
    try {
      const key = `${this.options.prefix}${name}:${subject}`;
      const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
      const n = Number(count ?? 0);
      return { allowed: n < rule.limit, count: n, retryAfterMs: Math.max(0, ttl) };
    } catch (error) {
      this.options.onError?.(error);
      return { allowed: true, count: 0, retryAfterMs: 0 };
    }
  }
}

/** Whole seconds for a `Retry-After` header: never 0, which clients read as "now". */
export function retryAfterSeconds(result: RateLimitResult): number {
  return Math.max(1, Math.ceil(result.retryAfterMs / 1000));
}
