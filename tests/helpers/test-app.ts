import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging/logger.js';

export type TestApp = { app: App; url: string; dataDir: string; prefix: string; stop(): Promise<void> };

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh data folder under the system temp dir; removed by `removeDir`. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `injab-${label}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the whole app on a free port with its own data folder and its own Redis key prefix, so
 * test files never see each other's conversations, locks or jobs.
 */
export async function startTestApp(options: { dataDir?: string; prefix?: string; env?: Record<string, string> } & AppOverrides = {}): Promise<TestApp> {
  const { dataDir: givenDir, prefix: givenPrefix, env, ...overrides } = options;
  const dataDir = givenDir ?? tempDir('app');
  const prefix = givenPrefix ?? `test-${crypto.randomBytes(4).toString('hex')}`;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', QUIET_HOURS: 'off',
    // Every test client comes from 127.0.0.1 and types fast: the limits are off unless a test turns them on.
    RATE_LIMIT_PER_MINUTE: '0', MESSAGES_PER_MINUTE: '0', ...env });
  const app = await createApp(config, { logger: createLogger({ level: 'silent' }), ...overrides });
  const url = await app.start();
  if (!url) throw new Error('test app has no HTTP server');
  return {
    app,
    url,
    dataDir,
    prefix,
    async stop() {
      await app.stop();
    },
  };
}

/** Deletes every Redis key a test app wrote under its prefix. */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    for (const pattern of [`${prefix}:*`, `${prefix}-bull:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await redis.quit();
  }
}

/**
 * Starts one app for the test file (beforeAll) and cleans it away after (afterAll): stops it, deletes
 * its Redis keys and its data folder. Call the returned function inside tests to reach it.
 */
export function useTestApp(options: Parameters<typeof startTestApp>[0] = {}): () => TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startTestApp(options);
  });
  afterAll(async () => {
    if (!current) return;
    await current.stop();
    await clearRedisPrefix(current.prefix);
    removeDir(current.dataDir);
  });
  return () => {
    if (!current) throw new Error('the test app has not started');
    return current;
  };
}
