import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChannelStatusBoard, channelStatusReporter, type ChannelStatusBoardOptions } from '../../src/channels/channel-status.js';
import { createLogger } from '../../src/logging/logger.js';
import { clearRedisPrefix, REDIS_URL } from '../helpers/test-app.js';

/** The channels' connection states in Redis, as two processes (two boards on one prefix) see them. */
const prefix = `test-status-${crypto.randomBytes(4).toString('hex')}`;
let redis: Redis;
const boards: ChannelStatusBoard[] = [];

function board(options: Partial<ChannelStatusBoardOptions> = {}): ChannelStatusBoard {
  const made = new ChannelStatusBoard(redis, { prefix, ...options });
  boards.push(made);
  return made;
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
});

afterEach(async () => {
  for (const made of boards.splice(0)) made.stop();
  await clearRedisPrefix(prefix);
});

afterAll(async () => {
  await redis.quit();
});

describe('ChannelStatusBoard', () => {
  it('shows what one process reported to another, and unknown for a channel nobody reports', async () => {
    await board().report({ channel: 'telegram', state: 'polling' });
    const [telegram, whatsapp] = await board().list(['telegram', 'whatsapp']);
    expect(telegram).toMatchObject({ channel: 'telegram', state: 'polling' });
    expect(Date.parse((telegram as { since: string }).since)).toBeGreaterThan(Date.now() - 5000);
    expect(whatsapp).toEqual({ channel: 'whatsapp', state: 'unknown' });
  });

  it('keeps `since` while the state stays, keeps the QR only while pairing, and shortens a long detail', async () => {
    let now = Date.parse('2025-03-01T10:00:00Z');
    const reporter = board({ now: () => now });
    await reporter.report({ channel: 'whatsapp-web', state: 'pairing', qr: '2@first' });
    now += 20_000;
    await reporter.report({ channel: 'whatsapp-web', state: 'pairing', qr: '2@second' });
    expect(await reporter.list(['whatsapp-web'])).toEqual([{ channel: 'whatsapp-web', state: 'pairing', since: '2025-03-01T10:00:00.000Z', qr: '2@second' }]);
    now += 5_000;
    await reporter.report({ channel: 'whatsapp-web', state: 'connected', qr: '2@ignored', detail: 'x'.repeat(500) });
    const [connected] = await reporter.list(['whatsapp-web']);
    expect(connected).toMatchObject({ state: 'connected', since: '2025-03-01T10:00:25.000Z' });
    expect(connected).not.toHaveProperty('qr');
    expect((connected as { detail: string }).detail).toHaveLength(120);
  });

  it('lets a state expire when its process stops refreshing it, and refreshes it while the process lives', async () => {
    const living = board({ ttlMs: 300, refreshMs: 100 });
    const dying = board({ ttlMs: 300, refreshMs: 100 });
    await living.report({ channel: 'telegram', state: 'polling' });
    await dying.report({ channel: 'whatsapp', state: 'webhook' });
    dying.stop();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await living.list(['telegram', 'whatsapp'])).map((s) => s.state)).toEqual(['polling', 'unknown']);
  });

  it('never lets a standby process hide the state of the process holding the session', async () => {
    const owner = board();
    const standby = board({ ttlMs: 300, refreshMs: 100 });
    await owner.report({ channel: 'whatsapp-web', state: 'pairing', qr: '2@owner' });
    await standby.report({ channel: 'whatsapp-web', state: 'standby' }, { fallback: true });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await owner.list(['whatsapp-web'])).toMatchObject([{ state: 'pairing', qr: '2@owner' }]);

    // With nobody else reporting, the standby's own state shows and stays.
    await redis.del(`${prefix}:channel-status:whatsapp-web`);
    await standby.report({ channel: 'whatsapp-web', state: 'standby' }, { fallback: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await owner.list(['whatsapp-web'])).toMatchObject([{ state: 'standby' }]);
  });

  it('refuses a refresh interval that would let a living state expire', () => {
    expect(() => new ChannelStatusBoard(redis, { prefix, ttlMs: 1000, refreshMs: 1000 })).toThrow(/refreshMs/);
  });
});

describe('channelStatusReporter', () => {
  it('logs a failed report instead of throwing into the platform\'s event handler', async () => {
    const broken = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const logger = createLogger({ level: 'silent' });
    const warn = vi.spyOn(logger, 'warn');
    const unreachable = new ChannelStatusBoard(broken, { prefix });
    boards.push(unreachable);
    const report = channelStatusReporter(unreachable, 'telegram', logger);
    await expect(report('polling')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: 'channel_status.report_failed', channel: 'telegram' }), expect.any(String));
    broken.disconnect();
  });

  it('does nothing without a board (a channel tested on its own)', async () => {
    await expect(channelStatusReporter(undefined, 'telegram', createLogger({ level: 'silent' }))('polling')).resolves.toBeUndefined();
  });
});
