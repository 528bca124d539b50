import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './app-process.js';
import { sleep } from './stats.js';

export type PrivateRedis = {
  port: number;
  url: string;
  pid: number;
  /** A client for the benchmark's own reads (INFO, MEMORY USAGE, FLUSHALL). */
  admin: Redis;
  /** `used_memory` in bytes. */
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
};

/**
 * A redis-server of our own on a free port, with no persistence, so `INFO` (commandstats, memory,
 * CPU) holds this benchmark's traffic only — the shared Redis serves other engineers' runs.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // Refused connections while the server starts are expected; `connect()` rejects and is retried below.
  let lastError: unknown;
  admin.on('error', (error: unknown) => (lastError = error));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.connect();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}`, { cause: lastError ?? error });
      }
      await sleep(50);
    }
  }
  return {
    port,
    url,
    pid: child.pid ?? 0,
    admin,
    async usedMemory() {
      return Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? 0);
    },
    async stop() {
      admin.disconnect();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
