import { AppError } from './app-error.js';

/** Another turn of the same conversation held the lock for too long. */
export class LockTimeoutError extends AppError {
  constructor(key: string) {
    super('LOCK_TIMEOUT', `timed out waiting for the turn lock of ${key}`, { retryable: true });
  }
}
