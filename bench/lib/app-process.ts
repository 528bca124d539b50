import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { sleep } from './stats.js';
import { freePort } from '../../src/redis/redis-connection.js';

export { freePort };

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type AppProcess = {
  url: string;
  pid: number;
  prefix: string;
  dataDir: string;
  child: ChildProcess;
  /** Resident memory of the app process in bytes (from /proc). */
  rss(): number;
  /** SIGTERM and wait; then delete its Redis keys and data folder unless `keep` is set. */
  stop(options?: { keep?: boolean }): Promise<void>;
  /**
   * `kill -9` and wait until the process is gone; keeps its Redis keys and data folder, so a new
   * `startAppProcess` with the same `dataDir` and `prefix` is the same bot restarted after a crash.
   */
  kill(): Promise<void>;
  /** The last few KB the process wrote to stdout and stderr (for a failing test's message). */
  output(): string;
};

/**
 * Starts the bot as its own process (`node --import tsx src/main.ts`), as production runs it, so
 * the load generator in this process does not share its event loop. Waits until `/readyz` answers.
 * Logs are at `warn`: request logging would measure the logger, not the bot.
 */
export async function startAppProcess(options: {
  redisUrl: string;
  env?: Record<string, string>;
  args?: string[];
  dataDir?: string;
  prefix?: string;
  /** Node options before the entry point, e.g. `['--cpu-prof']` or `['--import', preload]`. */
  nodeArgs?: string[];
  /** The script to run instead of `src/main.ts`, e.g. a compiled `main.js` (`--import tsx` only for a `.ts` entry). */
  entry?: string;
  /** How long to wait for `/readyz` before giving up; default 60 s (a loaded machine may need more). */
  readyTimeoutMs?: number;
}): Promise<AppProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'injab-bench-'));
  const prefix = options.prefix ?? `bench-${crypto.randomBytes(4).toString('hex')}`;
  const entry = options.entry ?? path.join(ROOT, 'src', 'main.ts');
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, ...(options.nodeArgs ?? []), entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      QUIET_HOURS: 'off',
      RATE_LIMIT_PER_MINUTE: '0',
      MESSAGES_PER_MINUTE: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not become ready in ${readyTimeoutMs / 1000} s:\n${output}`);
    }
    await sleep(100);
  }
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    prefix,
    dataDir,
    child,
    rss() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : 0;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    output() {
      return output;
    },
    async stop(stopOptions = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!stopOptions.keep) {
        await clearPrefix(options.redisUrl, prefix);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Deletes every Redis key under a bench prefix (the app's keys and its BullMQ queues). */
export async function clearPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for (const pattern of [`${prefix}:*`, `${prefix}-bull:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
