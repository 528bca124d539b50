import { describe, expect, it } from 'vitest';
import { createLogger, maskIdentifier, networkOf } from '../../src/logging/logger.js';

/** A logger writing JSON lines into memory. */
function memoryLogger(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('logger redaction', () => {
  it('redacts national IDs, phone numbers, names and typed text', () => {
    const { logger, lines, records } = memoryLogger();
    logger.info({ nationalId: '1058529940', phone: '0551234567', name: 'نورة العتيبي', text: 'عندي سؤال خاص', conversationId: 'c-17' }, 'turn');
    const [record] = records();
    expect(record).toMatchObject({
      nationalId: '[redacted]',
      phone: '[redacted]',
      name: '[redacted]',
      text: '[redacted]',
      conversationId: 'c-17',
      msg: 'turn',
      app: 'injab-bot',
    });
    const line = lines.join('');
    for (const secret of ['1058529940', '0551234567', 'نورة', 'سؤال خاص']) expect(line).not.toContain(secret);
  });

  it('redacts personal data one level down', () => {
    const { logger, lines, records } = memoryLogger();
    logger.info({ applicant: { nationalId: '1001244019', spouseNationalId: '2000000006', city: 'الدمام' } }, 'application');
    expect(records()[0]?.applicant).toEqual({ nationalId: '[redacted]', spouseNationalId: '[redacted]', city: 'الدمام' });
    expect(lines.join('')).not.toContain('1001244019');
    expect(lines.join('')).not.toContain('2000000006');
  });

  it('redacts what a beneficiary typed inside a logged activity', () => {
    const { logger, lines } = memoryLogger();
    logger.warn({ activity: { id: 'a1', type: 'message', text: 'رقمي 1058529940', from: { id: 'u1', name: 'Fatimah' } } }, 'slow turn');
    const line = lines.join('');
    expect(line).toContain('"id":"a1"');
    expect(line).not.toContain('1058529940');
    expect(line).not.toContain('Fatimah');
  });

  it('redacts credentials in request headers', () => {
    const { logger, lines } = memoryLogger();
    logger.info({ req: { method: 'POST', headers: { authorization: 'Bearer abc.def', cookie: 'sid=xyz' } } }, 'request');
    expect(lines.join('')).not.toContain('abc.def');
    expect(lines.join('')).not.toContain('sid=xyz');
    expect(lines.join('')).toContain('"method":"POST"');
  });

  it('logs a request by its path, never its query string', () => {
    const { logger, lines, records } = memoryLogger();
    logger.info({ req: { method: 'GET', url: '/staff/api/events?token=s3cr3t-token&nationalId=1058529940', ip: '10.0.0.7', headers: { cookie: 'sid=xyz' } } }, 'incoming request');
    expect(records()[0]?.['req']).toEqual({ method: 'GET', url: '/staff/api/events', remoteNetwork: '10.0.0.0/24' });
    for (const secret of ['s3cr3t-token', '1058529940', 'sid=xyz', '10.0.0.7']) expect(lines.join('')).not.toContain(secret);
  });

  it('logs a client by its network, never its address', () => {
    expect(networkOf('188.50.17.201')).toBe('188.50.17.0/24');
    expect(networkOf('::ffff:188.50.17.201')).toBe('188.50.17.0/24');
    expect(networkOf('2001:16a2:c0a5:7b00:1d2e:3f4a:5b6c:7d8e')).toBe('2001:16a2:c0a5::/48');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(networkOf('::1')).toBe('0:0:0::/48');
    expect(networkOf(undefined)).toBeUndefined();
    expect(networkOf('not an address')).toBeUndefined();
  });

  it('redacts the headers a library logs on its own (multipart parsing at trace level) and webhook secrets', () => {
    const { logger, lines, records } = memoryLogger('trace');
    logger.trace({ busboyOptions: { headers: { authorization: 'Bearer dl-token-1', 'content-type': 'multipart/form-data' }, limits: { files: 5 } } }, 'Providing options to busboy');
    logger.debug({ request: { headers: { 'x-telegram-bot-api-secret-token': 'tg-secret', 'x-hub-signature-256': 'sha256=abc123' } } }, 'webhook');
    expect(records()[0]?.['busboyOptions']).toEqual({ headers: '[redacted]', limits: { files: 5 } });
    for (const secret of ['dl-token-1', 'tg-secret', 'sha256=abc123']) expect(lines.join('')).not.toContain(secret);
  });

  it('redacts the message a failed Telegram call carried', () => {
    const { logger, lines } = memoryLogger();
    const error = Object.assign(new Error('400: Bad Request: message is too long'), { on: { method: 'sendMessage', payload: { chat_id: 5001, text: 'هويتك 1058529940' } } });
    logger.error({ err: error, event: 'telegram.update_failed' }, 'a Telegram update failed');
    expect(lines.join('')).toContain('sendMessage');
    expect(lines.join('')).not.toContain('1058529940');
  });

  it('keeps child logger bindings and respects the level', () => {
    const { logger, records } = memoryLogger('warn');
    const child = logger.child({ turnId: 't-9' });
    child.info({ phone: '0551234567' }, 'hidden');
    child.warn({ phone: '0551234567' }, 'shown');
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({ turnId: 't-9', phone: '[redacted]', msg: 'shown' });
  });
});

describe('maskIdentifier', () => {
  it('shows only the first and the last two digits of an ID', () => {
    expect(maskIdentifier('1058529940')).toBe('1*******40');
  });

  it('keeps the length of the identifier', () => {
    expect(maskIdentifier('0551234567')).toHaveLength(10);
    expect(maskIdentifier('0551234567')).toBe('0*******67');
  });

  it('hides very short values completely', () => {
    expect(maskIdentifier('1234')).toBe('****');
    expect(maskIdentifier('')).toBe('');
  });
});
