import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors/config-error.js';

const HEX_KEY = 'a1'.repeat(32);
const BASE64_KEY = `${'Q'.repeat(43)}=`;

/** Loads and returns the ConfigError (failing the test when the environment is accepted). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the environment to be refused');
}

describe('loadConfig defaults', () => {
  it('runs with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      logLevel: 'info',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'injab',
      mongodbUri: undefined,
      adminEmail: undefined,
      adminPassword: undefined,
      dataKey: undefined,
      surveyDelayMs: 3_600_000,
      reminderDelaysMs: [86_400_000, 259_200_000],
      quietHours: { startMinute: 22 * 60, endMinute: 8 * 60 },
      trustProxy: false,
    });
    expect(config.whatsappWeb).toEqual({ enabled: false, chromiumPath: '/usr/bin/chromium' });
    expect(config.whatsappCloud.graphUrl).toBe('https://graph.facebook.com/v23.0');
    expect(config.telegram).toEqual({ botToken: undefined, apiRoot: undefined, webhookUrl: undefined, messagesPerSecond: 30 });
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '', QUIET_HOURS: '', REMINDER_DELAYS_MS: '', DATA_KEY: '' });
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.quietHours).toEqual({ startMinute: 1320, endMinute: 480 });
    expect(config.dataKey).toBeUndefined();
  });
});

describe('loadConfig with values', () => {
  it('reads the values it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      REDIS_URL: 'rediss://cache.internal:6380',
      QUIET_HOURS: '21:30-07:15',
      REMINDER_DELAYS_MS: '60000, 120000',
      DATA_KEY: HEX_KEY,
      WHATSAPP_WEB_ENABLED: 'yes',
      TRUST_PROXY: '1',
      ADMIN_EMAIL: 'staff@injab.example',
      ADMIN_PASSWORD: 'correct horse battery',
      DATA_DIR: '/var/lib/injab',
    });
    expect(config.port).toBe(8080);
    expect(config.redisUrl).toBe('rediss://cache.internal:6380');
    expect(config.quietHours).toEqual({ startMinute: 21 * 60 + 30, endMinute: 7 * 60 + 15 });
    expect(config.reminderDelaysMs).toEqual([60_000, 120_000]);
    expect(config.dataKey).toBe(HEX_KEY);
    expect(config.whatsappWeb.enabled).toBe(true);
    expect(config.trustProxy).toBe(true);
    expect(config.adminEmail).toBe('staff@injab.example');
    expect(config.dataDir).toBe('/var/lib/injab');
  });

  it('works 32 follow-ups at once unless FOLLOWUP_CONCURRENCY says otherwise', () => {
    expect(loadConfig({}).followupConcurrency).toBe(32);
    expect(loadConfig({ FOLLOWUP_CONCURRENCY: '' }).followupConcurrency).toBe(32);
    expect(loadConfig({ FOLLOWUP_CONCURRENCY: '8' }).followupConcurrency).toBe(8);
  });

  it('paces each platform under its limit: Telegram 30/s and WhatsApp 80/s unless set (a number on Meta\'s upgraded tier: 1,000)', () => {
    expect(loadConfig({}).telegram.messagesPerSecond).toBe(30);
    expect(loadConfig({}).whatsappCloud.messagesPerSecond).toBe(80);
    expect(loadConfig({ WHATSAPP_MESSAGES_PER_SECOND: '1000', TELEGRAM_MESSAGES_PER_SECOND: '' })).toMatchObject({ whatsappCloud: { messagesPerSecond: 1000 }, telegram: { messagesPerSecond: 30 } });
  });

  it('turns quiet hours off with "off"', () => {
    expect(loadConfig({ QUIET_HOURS: 'off' }).quietHours).toBeNull();
  });

  it('accepts a base64 data key', () => {
    expect(loadConfig({ DATA_KEY: BASE64_KEY }).dataKey).toBe(BASE64_KEY);
  });
});

describe('loadConfig retention', () => {
  it('keeps drafts 90 days, transcripts and rejected requests a year, documents two years, and purges daily at 03:00', () => {
    expect(loadConfig({}).retention).toEqual({ draftDays: 90, transcriptDays: 365, rejectedDays: 365, documentDays: 730, schedule: '0 3 * * *' });
  });

  it('reads each limit, 0 keeping a record type forever, and a cron pattern', () => {
    const config = loadConfig({
      RETENTION_DRAFT_DAYS: '30',
      RETENTION_TRANSCRIPT_DAYS: '0',
      RETENTION_REJECTED_DAYS: '180',
      RETENTION_DOCUMENT_DAYS: '1095',
      RETENTION_SCHEDULE: '15 2 * * 0',
    });
    expect(config.retention).toEqual({ draftDays: 30, transcriptDays: 0, rejectedDays: 180, documentDays: 1095, schedule: '15 2 * * 0' });
    expect(Object.isFrozen(config.retention)).toBe(true);
  });

  it.each([
    ['RETENTION_DRAFT_DAYS', '-1', 'expected a whole number of days (0 keeps forever)'],
    ['RETENTION_TRANSCRIPT_DAYS', '1.5', 'expected a whole number of days'],
    ['RETENTION_REJECTED_DAYS', 'a year', 'expected a whole number of days'],
    ['RETENTION_DOCUMENT_DAYS', '99999', 'expected a whole number of days'],
    ['RETENTION_SCHEDULE', 'daily', 'expected a cron pattern of 5 or 6 fields'],
    ['RETENTION_SCHEDULE', '0 3 * *', 'expected a cron pattern of 5 or 6 fields'],
  ])('refuses %s=%s', (name, value, expects) => {
    const error = configError({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message).toContain(expects);
  });
});

describe('loadConfig refuses wrong values with one readable line', () => {
  it.each([
    ['PORT', 'abc', 'expected a port number'],
    ['PORT', '70000', 'expected a port number'],
    ['PORT', '80.5', 'expected a port number'],
    ['REDIS_URL', 'http://localhost:6379', 'expected a URL like redis://127.0.0.1:6379'],
    ['REDIS_URL', 'localhost:6379', 'expected a URL like redis://'],
    ['QUIET_HOURS', '22-08', 'expected HH:MM-HH:MM'],
    ['QUIET_HOURS', '24:00-08:00', 'expected HH:MM-HH:MM'],
    ['REMINDER_DELAYS_MS', '1 day', 'expected a comma list of positive milliseconds'],
    ['REMINDER_DELAYS_MS', '60000,,120000', 'expected a comma list of positive milliseconds'],
    ['REMINDER_DELAYS_MS', '60000,-5', 'expected a comma list of positive milliseconds'],
    ['DATA_KEY', 'not-a-key', 'expected 32 bytes as 64 hex characters or base64'],
    ['DATA_KEY', 'a1'.repeat(31), 'expected 32 bytes'],
    ['LOG_LEVEL', 'verbose', 'expected one of fatal, error, warn, info, debug, trace, silent'],
    ['REDIS_PREFIX', 'injab:prod', 'expected letters, digits, - or _'],
    ['FOLLOWUP_CONCURRENCY', '0', 'expected a whole number from 1 to 1000'],
    ['FOLLOWUP_CONCURRENCY', '2.5', 'expected a whole number from 1 to 1000'],
    ['FOLLOWUP_CONCURRENCY', 'many', 'expected a whole number from 1 to 1000'],
    ['WHATSAPP_MESSAGES_PER_SECOND', '0', 'expected messages per second, a number from 1 to 10000'],
    ['TELEGRAM_MESSAGES_PER_SECOND', 'fast', 'expected messages per second, a number from 1 to 10000'],
  ])('refuses %s=%s', (name, value, expects) => {
    const error = configError({ [name]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name}: `)).toBe(true);
    expect(error.message).toContain('expected');
    expect(error.message).toContain(expects);
    expect(error.message).not.toContain('\n');
  });

  it('shows the wrong value of an ordinary variable', () => {
    expect(configError({ PORT: 'abc' }).message).toBe('PORT: expected a port number (got "abc")');
  });

  it('names the variable that is missing from a pair', () => {
    const error = configError({ ADMIN_EMAIL: 'staff@injab.example' });
    expect(error.variable).toBe('ADMIN_PASSWORD');
    expect(error.message).toBe('ADMIN_PASSWORD: expected to be set together with ADMIN_EMAIL');
  });
});

describe('loadConfig keeps secrets out of its messages', () => {
  it('does not echo a wrong data key', () => {
    const error = configError({ DATA_KEY: 'my-secret-key-value' });
    expect(error.message).not.toContain('my-secret-key-value');
    expect(error.message).toContain('DATA_KEY');
  });

  it('does not echo a too short admin password', () => {
    const error = configError({ ADMIN_EMAIL: 'staff@injab.example', ADMIN_PASSWORD: 'hunter2' });
    expect(error.message).toMatch(/^ADMIN_PASSWORD: expected at least 12 characters/);
    expect(error.message).not.toContain('hunter2');
  });

  it('does not echo a wrong MongoDB URI with its password', () => {
    const error = configError({ MONGODB_URI: 'postgres://injab:S3cretPass@db.internal/injab' });
    expect(error.message).toMatch(/^MONGODB_URI: expected a URL like mongodb:/);
    expect(error.message).not.toContain('S3cretPass');
  });

  it('does not echo the password inside a wrong Redis URL', () => {
    const error = configError({ REDIS_URL: 'http://default:S3cretPass@cache.internal:6379' });
    expect(error.message).toMatch(/^REDIS_URL: expected a URL like redis:/);
    expect(error.message).not.toContain('S3cretPass');
    expect(error.message).toContain('cache.internal');
  });

  it('does not echo the password of a Redis URL written without its scheme', () => {
    const error = configError({ REDIS_URL: 'default:S3cretPass@cache.internal:6379' });
    expect(error.variable).toBe('REDIS_URL');
    expect(error.message).not.toContain('S3cretPass');
  });

  it('does not keep secrets in the error at all', () => {
    const error = configError({ DATA_KEY: 'my-secret-key-value' });
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('my-secret-key-value');
  });
});

describe('loadConfig result', () => {
  it('is frozen, nested groups and lists included', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.telegram)).toBe(true);
    expect(Object.isFrozen(config.whatsappWeb)).toBe(true);
    expect(Object.isFrozen(config.whatsappCloud)).toBe(true);
    expect(Object.isFrozen(config.reminderDelaysMs)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.reminderDelaysMs as number[]).push(1);
    }).toThrow(TypeError);
  });

  it('does not read process.env by itself', () => {
    const before = process.env.PORT;
    process.env.PORT = '9999';
    try {
      expect(loadConfig({}).port).toBe(3000);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });
});
