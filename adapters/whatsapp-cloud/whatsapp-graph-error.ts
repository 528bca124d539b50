import { AppError } from '../../src/errors/app-error.js';

/**
 * The Graph API refused or failed a call. Rate limits and server errors may pass on a retry; other
 * 4xx (a bad number, an expired token, a user outside the 24-hour window) will not.
 */
export class WhatsAppGraphError extends AppError {
  readonly status: number;

  constructor(operation: string, status: number, cause?: unknown) {
    super('WHATSAPP_GRAPH_FAILED', `WhatsApp Graph API ${operation} failed with HTTP ${status}`, {
      cause,
      retryable: status === 0 || status === 429 || status >= 500,
    });
    this.status = status;
  }
}
