import { AppError } from '../../src/errors/app-error.js';

/**
 * Telegram refused a message. `retryable` is true for rate limits (429) and server errors (5xx), so
 * a queued send tries again later; a blocked bot or a deleted chat (403, 400) never will.
 */
export class TelegramSendError extends AppError {
  constructor(
    readonly status: number | null,
    message: string,
    cause?: unknown,
  ) {
    super('TELEGRAM_SEND_FAILED', message, { cause, retryable: status === null || status === 429 || status >= 500 });
  }
}
