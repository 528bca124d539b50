import { AppError } from '../../src/errors/app-error.js';

/**
 * A message could not go out because the beneficiary last wrote more than 24 hours ago and no
 * template is configured (`WHATSAPP_TEMPLATE_NAME`). Retrying cannot help until they write again.
 */
export class WhatsAppWindowClosedError extends AppError {
  constructor() {
    super('WHATSAPP_WINDOW_CLOSED', 'outside the 24-hour window and no WhatsApp template is configured', { retryable: false });
  }
}
