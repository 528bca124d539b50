import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { FOLLOWUP_CONCURRENCY } from '../followups/followup-jobs.js';
import { parseBookingWindows, type BookingCalendar } from '../services/booking-calendar.js';
import { parseWorkingHours, type WorkingHours } from '../staff/working-hours.js';

/**
 * Everything the bot can be told from the environment. The names are an outer contract
 * (see DESIGN.md and `.env.example`); this is the only place that reads them.
 */
const emptyToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
);

const durationList = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('86400000,259200000')
    .transform((raw, ctx) => {
      const parts = raw.split(',').map((p) => p.trim());
      const values = parts.map(Number);
      if (values.some((v, i) => parts[i] === '' || !Number.isInteger(v) || v <= 0)) {
        ctx.addIssue({ code: 'custom', message: 'expected a comma list of positive milliseconds, e.g. 86400000,259200000' });
        return z.NEVER;
      }
      return values;
    }),
);

const quietHours = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('22:00-08:00')
    .transform((raw, ctx) => {
      if (raw === 'off') return null;
      const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'expected HH:MM-HH:MM (Asia/Riyadh) or off' });
        return z.NEVER;
      }
      const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
      return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
    }),
);

const urlWith = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL like ${example}` },
  );

/** Days a record is kept; 0 keeps it forever. At most 100 years, so a typo is caught rather than kept. */
const retentionDays = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a whole number of days (0 keeps forever)' }).int().min(0).max(36_500).default(fallback));

/** Five or six cron fields (BullMQ's cron-parser reads them); the parser itself checks the ranges. */
const CRON_PATTERN = /^(?:[\d*?LW#/,A-Za-z-]+\s+){4,5}[\d*?LW#/,A-Za-z-]+$/;

/** A 32-byte data key: 64 hex characters or base64. */
const DATA_KEY_FORMAT = /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/;

const SLOTS = 'expected a whole number from 1 to 1000';

const RATE = 'expected messages per second, a number from 1 to 10000';
/** A platform's send limit in messages per second (the bot paces at 95% of it). */
const messagesPerSecond = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number({ message: RATE }).min(1, RATE).max(10_000, RATE).default(fallback));

const schema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  ),
  REDIS_URL: z.preprocess(emptyToUndefined, urlWith(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379')),
  REDIS_PREFIX: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[a-z0-9_-]{1,40}$/i, { message: 'expected letters, digits, - or _ (no colon)' }).default('injab'),
  ),
  MONGODB_URI: z.preprocess(emptyToUndefined, urlWith(['mongodb:', 'mongodb+srv:'], 'mongodb://localhost:27017/injab').optional()),
  ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email({ message: 'expected an email address' }).optional()),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12, { message: 'expected at least 12 characters' }).optional()),
  DATA_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(DATA_KEY_FORMAT, { message: 'expected 32 bytes as 64 hex characters or base64' })
      .optional(),
  ),
  // Keys used before DATA_KEY, comma-separated: they still open data and find fingerprints, never seal.
  // A bad entry is named by its position only; the value is a secret.
  DATA_KEYS_PREVIOUS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((text, ctx) => {
        const keys = text.split(',').map((k) => k.trim()).filter(Boolean);
        const bad = keys.findIndex((k) => !DATA_KEY_FORMAT.test(k));
        if (bad >= 0) {
          ctx.addIssue({ code: 'custom', message: `entry ${bad + 1} is not 32 bytes as 64 hex characters or base64` });
          return z.NEVER;
        }
        return keys;
      }),
  ),
  // Retention (issue 9): how long each kind of record is kept, in days; 0 keeps it forever. Purged
  // by the `retention` queue job (src/privacy/retention-job.ts) on RETENTION_SCHEDULE.
  // - Drafts, 90: an application left this long is abandoned (reminders stop after 3 days, the
  //   resume offer after 6 hours), and its half-typed ID and diagnosis should not outlive it.
  // - Transcripts, 365: a case runs from application through a decision (two weeks or more) to a
  //   treatment cycle and its surveys; a year covers that, then only the message shape stays.
  // - Rejected or withdrawn requests, 365 after the decision: time for questions, an appeal or a new
  //   application and the year's report; afterwards only status, dates and city stay.
  // - Documents of decided requests, 730 after the decision: ID copies and medical reports are the
  //   most sensitive files, kept two years for the association's audits and a repeat treatment.
  RETENTION_DRAFT_DAYS: retentionDays(90),
  RETENTION_TRANSCRIPT_DAYS: retentionDays(365),
  RETENTION_REJECTED_DAYS: retentionDays(365),
  RETENTION_DOCUMENT_DAYS: retentionDays(730),
  // Cron pattern (Asia/Riyadh) of the purge; default every day at 03:00, when nobody is writing.
  RETENTION_SCHEDULE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default('0 3 * * *')
      .refine((text) => CRON_PATTERN.test(text), { message: 'expected a cron pattern of 5 or 6 fields, e.g. 0 3 * * *' }),
  ),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, urlWith(['http:', 'https:'], 'https://api.telegram.org').optional()),
  TELEGRAM_WEBHOOK_URL: z.preprocess(emptyToUndefined, urlWith(['https:', 'http:'], 'https://bot.example.org/telegram').optional()),
  TELEGRAM_MESSAGES_PER_SECOND: messagesPerSecond(30),
  WHATSAPP_WEB_ENABLED: booleanFlag,
  CHROMIUM_PATH: z.preprocess(emptyToUndefined, z.string().default('/usr/bin/chromium')),
  WHATSAPP_CLOUD_TOKEN: optionalString,
  WHATSAPP_PHONE_NUMBER_ID: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_GRAPH_URL: z.preprocess(
    emptyToUndefined,
    urlWith(['http:', 'https:'], 'https://graph.facebook.com/v23.0').default('https://graph.facebook.com/v23.0'),
  ),
  WHATSAPP_MESSAGES_PER_SECOND: messagesPerSecond(80),
  WHATSAPP_TEMPLATE_NAME: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[a-z0-9_]{1,512}$/, { message: 'expected a template name in lower case, digits and _ (as in WhatsApp Manager)' }).optional(),
  ),
  WHATSAPP_TEMPLATE_LANGUAGES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('ar=ar,en=en')
      .transform((text, ctx) => {
        const languages: Record<string, string> = {};
        for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
          const match = /^(ar|en)=([a-z]{2,3}(?:_[A-Z]{2})?)$/.exec(pair);
          if (!match) {
            ctx.addIssue({ code: 'custom', message: `expected locale=language pairs like ar=ar,en=en_US (bad pair "${pair.slice(0, 20)}")` });
            return z.NEVER;
          }
          languages[match[1] as string] = match[2] as string;
        }
        return languages;
      }),
  ),
  SURVEY_DELAY_MS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected milliseconds' }).int().min(0).default(3_600_000)),
  REMINDER_DELAYS_MS: durationList,
  QUIET_HOURS: quietHours,
  FOLLOWUP_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number({ message: SLOTS }).int(SLOTS).min(1, SLOTS).max(1000, SLOTS).default(FOLLOWUP_CONCURRENCY)),
  TRUST_PROXY: booleanFlag,
  SUPPORT_CONTACT: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().max(300, { message: 'expected at most 300 characters, e.g. "013 000 0000, Sunday–Thursday 8:00–15:00"' }).optional(),
  ),
  STAFF_HOURS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('08:00-15:00')
      .transform((text, ctx) => {
        try {
          return parseWorkingHours(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `expected working hours like 08:00-15:00 (${(error as Error).message})` });
          return z.NEVER;
        }
      }),
  ),
  // Staff console security (sign-in throttle per address, absolute session lifetime) and who may frame the web chat.
  STAFF_SIGNIN_FAILURES_PER_ADDRESS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a whole number (0 turns the limit off)' }).int().min(0).default(20)),
  STAFF_SIGNIN_WINDOW_MS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected milliseconds' }).int().min(1000).max(86_400_000).default(900_000)),
  STAFF_SESSION_MAX_AGE_MS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected milliseconds' }).int().min(60_000).max(604_800_000).default(43_200_000)),
  WEBCHAT_FRAME_ANCESTORS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default("'self'")
      // `self` and `none` are taken bare too: env files and compose strip the quotes.
      .transform((text) => text.split(/\s+/).map((source) => (/^(self|none)$/i.test(source) ? `'${source.toLowerCase()}'` : source)).join(' '))
      .refine((text) => text.split(' ').every((source) => /^('self'|'none'|https:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?)$/i.test(source)), {
        message: "expected CSP sources separated by spaces, e.g. 'self' https://www.example.org",
      }),
  ),
  BOOKING_WINDOWS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('09:00-11:00,11:00-13:00')
      .transform((text, ctx) => {
        try {
          return parseBookingWindows(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `expected time windows like 09:00-11:00,11:00-13:00 (${(error as Error).message})` });
          return z.NEVER;
        }
      }),
  ),
  BOOKING_CAPACITY: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a whole number' }).int().min(1).max(500).default(4)),
  BOOKING_DAYS_AHEAD: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a whole number' }).int().min(1).max(10).default(6)),
  BOOKING_HOLIDAYS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .refine((text) => text.split(',').every((d) => d.trim() === '' || /^\d{4}-\d{2}-\d{2}$/.test(d.trim())), { message: 'expected a comma list of days like 2027-03-09,2027-03-10' })
      .transform((text) => new Set(text.split(',').map((d) => d.trim()).filter(Boolean))),
  ),
  RESUME_OFFER_AFTER_MS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected milliseconds' }).int().min(0).default(21_600_000)),
  RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a whole number (0 turns the limit off)' }).int().min(0).default(600)),
  MESSAGES_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected a whole number (0 turns the limit off)' }).int().min(0).default(30)),
  RATE_LIMIT_WINDOW_MS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'expected milliseconds' }).int().min(100).max(3_600_000).default(60_000)),
});

export type QuietHours = { startMinute: number; endMinute: number };

/** Validated, frozen configuration. Passed down from the composition root; nothing else reads the environment. */
export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  redisUrl: string;
  redisPrefix: string;
  mongodbUri: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  dataKey: string | undefined;
  /** DATA_KEYS_PREVIOUS: older keys that still open data and find fingerprints (default none). */
  dataKeysPrevious: readonly string[];
  /**
   * RETENTION_*: days each kind of record is kept before the scheduled purge (0: forever), and the
   * purge's cron pattern in Asia/Riyadh. See `Store.purgeExpired`.
   */
  retention: Readonly<{ draftDays: number; transcriptDays: number; rejectedDays: number; documentDays: number; schedule: string }>;
  /** TELEGRAM_*; `messagesPerSecond`: what Telegram allows the bot over all chats (default 30). */
  telegram: Readonly<{ botToken: string | undefined; apiRoot: string | undefined; webhookUrl: string | undefined; messagesPerSecond: number }>;
  whatsappWeb: Readonly<{ enabled: boolean; chromiumPath: string }>;
  whatsappCloud: Readonly<{
    token: string | undefined;
    phoneNumberId: string | undefined;
    appSecret: string | undefined;
    verifyToken: string | undefined;
    graphUrl: string;
    /** WHATSAPP_MESSAGES_PER_SECOND: what Meta allows the number (default 80; 1,000 on the upgraded tier). */
    messagesPerSecond: number;
    /**
     * The approved template (one body parameter, the message text) used outside WhatsApp's 24-hour
     * customer-service window; without it such messages fail instead of being sent.
     */
    templateName: string | undefined;
    /** The template's language code per bot locale, e.g. `{ ar: 'ar', en: 'en_US' }`. */
    templateLanguages: Readonly<Record<string, string>>;
  }>;
  surveyDelayMs: number;
  reminderDelaysMs: readonly number[];
  quietHours: QuietHours | null;
  /** FOLLOWUP_CONCURRENCY: surveys and reminders worked on at once per worker process (default 32). */
  followupConcurrency: number;
  trustProxy: boolean;
  /**
   * SUPPORT_CONTACT: how a beneficiary in severe distress reaches the association (free text, e.g. a
   * phone number and its hours), given in the bot's caring reply. Unset: the reply promises a staff
   * member's call and points to emergency services in words — the bot never makes a number up.
   */
  supportContact: string | undefined;
  /** Quiet this long in the middle of an application, a beneficiary is offered to continue or start again. */
  resumeOfferAfterMs: number;
  /** When social researchers answer (Sunday–Thursday, Asia/Riyadh). */
  staffHours: WorkingHours;
  /**
   * The staff console's defences: failed sign-ins per client address before it waits (0: off) in a
   * window, and the most a session lives after sign-in however busy it is (the sliding idle expiry is 8 h).
   */
  staffSecurity: Readonly<{ signInFailuresPerAddress: number; signInWindowMs: number; sessionMaxAgeMs: number }>;
  /** CSP `frame-ancestors` of the web chat page and its assets: the sites that may embed it (default `'self'`). */
  webchatFrameAncestors: string;
  /** Days and time windows offered for interviews and callbacks. */
  booking: BookingCalendar;
  /**
   * Limits on what comes from outside, each counted per window (a minute unless
   * `RATE_LIMIT_WINDOW_MS` says otherwise; tests shorten it). 0 turns a limit off.
   */
  rateLimits: Readonly<{
    /** Direct Line requests per client address (new conversations: 10, or this when lower). Default 120. */
    perAddress: number;
    /** Messages per conversation, on every channel, before the bot asks the sender to slow down. Default 20. */
    messagesPerConversation: number;
    windowMs: number;
  }>;
}>;

/**
 * Reads and checks the environment once.
 *
 * @throws ConfigError naming the first wrong variable and what it expects, e.g.
 *   `PORT: expected a port number (got "abc")`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const got = env[name];
    const shown = got === undefined ? 'unset' : `got ${JSON.stringify(redactSecret(name, got))}`;
    throw new ConfigError(name, `${name}: ${issue?.message ?? 'invalid'} (${shown})`);
  }
  const e = parsed.data;
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    const missing = e.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD';
    throw new ConfigError(missing, `${missing}: expected to be set together with ${missing === 'ADMIN_EMAIL' ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'}`);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    mongodbUri: e.MONGODB_URI,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    dataKey: e.DATA_KEY,
    dataKeysPrevious: Object.freeze(e.DATA_KEYS_PREVIOUS),
    retention: Object.freeze({
      draftDays: e.RETENTION_DRAFT_DAYS,
      transcriptDays: e.RETENTION_TRANSCRIPT_DAYS,
      rejectedDays: e.RETENTION_REJECTED_DAYS,
      documentDays: e.RETENTION_DOCUMENT_DAYS,
      schedule: e.RETENTION_SCHEDULE,
    }),
    telegram: Object.freeze({
      botToken: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      messagesPerSecond: e.TELEGRAM_MESSAGES_PER_SECOND,
    }),
    whatsappWeb: Object.freeze({ enabled: e.WHATSAPP_WEB_ENABLED, chromiumPath: e.CHROMIUM_PATH }),
    whatsappCloud: Object.freeze({
      token: e.WHATSAPP_CLOUD_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      appSecret: e.WHATSAPP_APP_SECRET,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      graphUrl: e.WHATSAPP_GRAPH_URL,
      messagesPerSecond: e.WHATSAPP_MESSAGES_PER_SECOND,
      templateName: e.WHATSAPP_TEMPLATE_NAME,
      templateLanguages: Object.freeze(e.WHATSAPP_TEMPLATE_LANGUAGES),
    }),
    surveyDelayMs: e.SURVEY_DELAY_MS,
    reminderDelaysMs: Object.freeze(e.REMINDER_DELAYS_MS),
    quietHours: e.QUIET_HOURS,
    followupConcurrency: e.FOLLOWUP_CONCURRENCY,
    trustProxy: e.TRUST_PROXY,
    supportContact: e.SUPPORT_CONTACT,
    resumeOfferAfterMs: e.RESUME_OFFER_AFTER_MS,
    staffHours: e.STAFF_HOURS,
    staffSecurity: Object.freeze({ signInFailuresPerAddress: e.STAFF_SIGNIN_FAILURES_PER_ADDRESS, signInWindowMs: e.STAFF_SIGNIN_WINDOW_MS, sessionMaxAgeMs: e.STAFF_SESSION_MAX_AGE_MS }),
    webchatFrameAncestors: e.WEBCHAT_FRAME_ANCESTORS,
    booking: Object.freeze({ windows: Object.freeze(e.BOOKING_WINDOWS), capacity: e.BOOKING_CAPACITY, holidays: e.BOOKING_HOLIDAYS, daysAhead: e.BOOKING_DAYS_AHEAD }),
    rateLimits: Object.freeze({ perAddress: e.RATE_LIMIT_PER_MINUTE, messagesPerConversation: e.MESSAGES_PER_MINUTE, windowMs: e.RATE_LIMIT_WINDOW_MS }),
  });
}

const SECRET_NAMES = /TOKEN|SECRET|PASSWORD|KEY|URI/;

function redactSecret(name: string, value: string): string {
  // A URL may carry a password (redis://user:password@host): its credentials are never echoed either.
  return SECRET_NAMES.test(name) ? '***' : value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s]*@/i, '$1***@').slice(0, 60);
}
