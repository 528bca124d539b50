import { AppError } from './app-error.js';

/** The record asked for does not exist. */
export class StoreNotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('STORE_NOT_FOUND', `${what} ${id} not found`);
  }
}

/** A unique key is already taken (same channel conversation, same staff email, same survey milestone). */
export class StoreConflictError extends AppError {
  constructor(what: string, cause?: unknown) {
    super('STORE_CONFLICT', `${what} already exists`, { cause });
  }
}
