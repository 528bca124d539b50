/** An error answered as Direct Line does: `{error: {code, message}}` with an HTTP status. */
export class DirectLineError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DirectLineError';
  }
}
