import { AppError } from '../../src/errors/app-error.js';

/**
 * Graph error codes that mean "too fast, try later" even though Meta sends them with HTTP 400:
 * 4 (application call limit), 80007 (business account rate limit), 130429 (Cloud API throughput
 * reached), 131048 (spam rate limit), 131056 (too many messages to one user).
 */
const THROTTLING_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056]);

/** The `error.code` of a Graph error body (`{"error":{"code":130429,…}}`), when there is one. */
export function graphErrorCode(body: string): number | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'number' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Graph API refused or failed a call. Rate limits (HTTP 429, or a throttling code under HTTP
 * 400) and server errors may pass on a retry; other 4xx (a bad number, an expired token, a user
 * outside the 24-hour window) will not.
 */
export class WhatsAppGraphError extends AppError {
  readonly status: number;
  /** Meta's error code from the body, when it gave one. */
  readonly graphCode: number | undefined;

  constructor(operation: string, status: number, cause?: unknown, graphCode?: number) {
    const throttled = graphCode !== undefined && THROTTLING_CODES.has(graphCode);
    super('WHATSAPP_GRAPH_FAILED', `WhatsApp Graph API ${operation} failed with HTTP ${status}${graphCode === undefined ? '' : ` (code ${graphCode})`}`, {
      cause,
      retryable: status === 0 || status === 429 || status >= 500 || throttled,
    });
    this.status = status;
    this.graphCode = graphCode;
  }
}
