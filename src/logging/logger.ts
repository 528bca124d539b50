import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths of personal data that never reach a log line: identity numbers, phone numbers, names and
 * whatever a beneficiary typed. Activities are logged by id and type only; these paths catch the
 * places where a whole object slips through anyway.
 */
export const REDACTED_PATHS = [
  'nationalId',
  'spouseNationalId',
  'phone',
  'mobile',
  'name',
  'fullName',
  'text',
  'answers',
  'email',
  'password',
  'token',
  'authorization',
  '*.nationalId',
  '*.spouseNationalId',
  '*.phone',
  '*.mobile',
  '*.name',
  '*.fullName',
  '*.text',
  '*.answers',
  '*.email',
  '*.password',
  '*.token',
  'activity.from',
  'activity.text',
  'activity.attachments',
  'activity.value',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export type LoggerOptions = {
  level: string;
  /** Pretty, coloured lines for a person at a terminal; JSON lines otherwise. */
  pretty?: boolean;
  destination?: DestinationStream;
};

/** Builds the root logger. Child loggers per request and per turn add `reqId` / `turnId`. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { app: 'injab-bot' },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' } } });
  }
  return pino(base);
}

/** Shows the first and last two characters of an identifier, e.g. `1*******40`. */
export function maskIdentifier(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${value.slice(0, 1)}${'*'.repeat(value.length - 3)}${value.slice(-2)}`;
}
