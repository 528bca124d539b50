import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import { TelegramSendError } from './telegram-send-error.js';

export type RetryOptions = {
  /** Tries after the first one when Telegram answers 429. Default 2. */
  retries?: number;
  /** Longest `retry_after` worth waiting for inside a turn; longer ones fail (retryable). Default 30 s. */
  maxWaitMs?: number;
  /** For tests. */
  wait?: (ms: number) => Promise<unknown>;
};

/**
 * Calls the Bot API, waiting out a 429's `retry_after` (telegraf does not retry by itself). Any
 * other failure, or a rate limit that lasts too long, becomes a TelegramSendError.
 */
export async function withRetryAfter<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 2;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const wait = options.wait ?? sleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const status = error instanceof TelegramError ? error.code : null;
      const waitMs = (error instanceof TelegramError ? (error.parameters?.retry_after ?? 1) : 0) * 1000;
      if (status === 429 && attempt < retries && waitMs <= maxWaitMs) {
        await wait(waitMs);
        continue;
      }
      const description = error instanceof TelegramError ? error.description : error instanceof Error ? error.message : String(error);
      throw new TelegramSendError(status, `Telegram refused the call: ${description}`, error);
    }
  }
}
