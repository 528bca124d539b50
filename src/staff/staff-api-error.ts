import { AppError } from '../errors/app-error.js';

/** An error the staff API answers with an HTTP status and `{error: {code, message}}`. */
export class StaffApiError extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export const unauthorized = () => new StaffApiError(401, 'Unauthorized', 'Sign in first.');
export const forbidden = (what: string) => new StaffApiError(403, 'Forbidden', `Your role may not ${what}.`);
export const notFound = (what: string) => new StaffApiError(404, 'NotFound', `No such ${what}.`);
export const badRequest = (message: string) => new StaffApiError(400, 'BadArgument', message);
