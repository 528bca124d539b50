import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisUnavailableError } from '../errors/redis-unavailable-error.js';
import type { Logger } from '../logging/logger.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A reachable Redis: its URL, and the private server this process started, if any. */
export type RedisEndpoint = { url: string; stop(): Promise<void> };

/**
 * How long a command on a request's path may wait for Redis (see `openRedis`'s `failFast`): past it
 * the request is refused (503) rather than left hanging while Redis is partitioned or frozen.
 */
export const REQUEST_COMMAND_TIMEOUT_MS = 5000;

/**
 * Opens a connection; BullMQ workers need `maxRetriesPerRequest: null`, so every connection gets it.
 * `failFast` is for the connection that requests use (turn locks, rate limits, staff sessions): no
 * offline queue, so a command while Redis is away fails at once instead of waiting for it to come
 * back, and a command Redis does not answer fails after `REQUEST_COMMAND_TIMEOUT_MS`. Never for
 * BullMQ or subscribers, which block on purpose and must wait out a reconnect.
 */
export function openRedis(url: string, options: { failFast?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    enableReadyCheck: true,
    ...(options.failFast ? { enableOfflineQueue: false, commandTimeout: REQUEST_COMMAND_TIMEOUT_MS } : {}),
  });
}

/** How often one connection may log that Redis is away while it stays away (ioredis reports every reconnect attempt). */
const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Listens to a connection's (or a BullMQ queue's) `error` events, which ioredis would otherwise print
 * to stderr on every reconnect attempt, and logs them at most once a minute, then `redis.recovered`
 * when the connection is ready again. The commands themselves fail or wait as their options say.
 */
export function logRedisErrors(emitter: { on(event: string, listener: (...args: unknown[]) => void): unknown }, logger: Logger, name: string): void {
  let lastLogged = 0;
  emitter.on('error', (error) => {
    if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = Date.now();
    logger.warn({ err: error, event: 'redis.error', connection: name }, `${name}: Redis failed; retrying`);
  });
  emitter.on('ready', () => {
    if (lastLogged === 0) return;
    lastLogged = 0;
    logger.info({ event: 'redis.recovered', connection: name }, `${name}: Redis answers again`);
  });
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 });
  probe.on('error', () => undefined); // the failure is reported by the rejected ping below
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Finds Redis at `url`. When nothing answers at the default address and `redis-server` is on PATH,
 * starts a private one (append-only file under `<dataDir>/redis`, so scheduled jobs survive a restart)
 * on a free loopback port. Otherwise fails with one line saying how to get Redis.
 */
export async function ensureRedis(url: string, dataDir: string, logger: Logger): Promise<RedisEndpoint> {
  if (await answers(url)) return { url, stop: async () => undefined };
  if (url !== DEFAULT_REDIS_URL || !onPath('redis-server')) {
    throw new RedisUnavailableError(
      `REDIS_URL: nothing answers at ${url}. Start Redis (e.g. "redis-server --daemonize yes" or "docker compose up -d redis") or set REDIS_URL.`,
    );
  }
  const port = await freePort();
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i += 1) {
    if (await answers(privateUrl)) {
      logger.info({ event: 'redis.private_started', port }, `no Redis at ${url}; started a private redis-server under ${dir}`);
      return { url: privateUrl, stop: () => stopChild(child) };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`REDIS_URL: nothing answers at ${url} and the private redis-server did not start. Start Redis or set REDIS_URL.`);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** A local port nobody listens on right now (for a private redis-server, and for tests and benchmarks). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(3000).then(() => void child.kill('SIGKILL'))]);
}
