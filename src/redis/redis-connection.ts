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

/** Opens a connection; BullMQ workers need `maxRetriesPerRequest: null`, so every connection gets it. */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, enableReadyCheck: true });
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

function freePort(): Promise<number> {
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
