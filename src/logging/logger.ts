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
  // Request headers a library logs on its own (@fastify/multipart's `busboyOptions` at trace level
  // carries the Direct Line bearer token), and the platforms' webhook secrets.
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-telegram-bot-api-secret-token"]',
  '*.headers["x-hub-signature-256"]',
  'busboyOptions.headers',
  // telegraf's TelegramError carries the request it failed on: the chat id and the message text.
  'err.on.payload',
];

type RequestLike = { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } | null };

/**
 * The network a client address belongs to, not the address: an IPv4 address's /24
 * (`10.0.7.0/24`), an IPv6 address's /48. Enough to see that requests came from one place (a flood,
 * a scan), not enough to name a beneficiary's connection — an address is personal data, and the
 * rate limiter, which needs the whole of it, keeps it only in Redis for its window.
 */
export function networkOf(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!ip.includes(':')) return undefined;
  const [head = '', tail = ''] = ip.split('::');
  const groups = [...head.split(':').filter(Boolean), ...(ip.includes('::') ? ['0', '0', '0', '0', '0', '0', '0', '0'] : []), ...tail.split(':').filter(Boolean)];
  return `${groups.slice(0, 3).map((g) => g.toLowerCase()).join(':')}::/48`;
}

/**
 * Fastify's request line, without the query string: a `?token=`, an ID or a name typed into a URL
 * never reaches a log line. Routes carry ids in their paths, never personal values. The client is
 * logged by its network (`networkOf`), not its address.
 */
export function requestForLog(req: RequestLike): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? req.url.split('?')[0] : req.url,
    host: req.host,
    remoteNetwork: networkOf(req.ip),
  };
}

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
    // Fastify keeps a logger's own serializers over its defaults.
    serializers: { req: requestForLog },
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
