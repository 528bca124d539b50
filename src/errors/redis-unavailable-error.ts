import { AppError } from './app-error.js';

/** Nothing answers at REDIS_URL and no redis-server could be started; the message says what to do. */
export class RedisUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('REDIS_UNAVAILABLE', message, { cause, retryable: true });
  }
}
