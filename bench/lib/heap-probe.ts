import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { sleep } from './stats.js';

/** `process.memoryUsage()` of the probed process, right after a full GC (when `collected`). */
export type HeapSample = { collected: boolean; rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };

export type HeapProbe = {
  /** Node options for `startAppProcess({ nodeArgs })`. */
  nodeArgs: string[];
  /** Environment for `startAppProcess({ env })`. */
  env: Record<string, string>;
  /** Asks the process (by pid) for a GC and its memory; waits up to 10 s for the answer. */
  sample(pid: number): Promise<HeapSample>;
  /** Deletes the exchange file. */
  dispose(): void;
};

/**
 * A way to read the heap of a bot running as its own process, after a forced GC, without a debug
 * route in the app: the process is started with `--expose-gc` and `heap-probe-preload.mjs`, which
 * answers SIGUSR2 by writing its memory to a file.
 */
export function createHeapProbe(): HeapProbe {
  const file = path.join(os.tmpdir(), `injab-heap-${crypto.randomBytes(4).toString('hex')}.json`);
  let lastSeq = 0;
  return {
    nodeArgs: ['--expose-gc', '--import', pathToFileURL(path.join(import.meta.dirname, 'heap-probe-preload.mjs')).href],
    env: { BENCH_HEAP_FILE: file },
    async sample(pid) {
      process.kill(pid, 'SIGUSR2');
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        await sleep(20);
        try {
          const read = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSample & { seq: number };
          if (read.seq > lastSeq) {
            lastSeq = read.seq;
            return read;
          }
        } catch {
          // not written yet
        }
      }
      throw new Error('the bot process did not answer the heap probe (started without heap-probe-preload?)');
    },
    dispose() {
      fs.rmSync(file, { force: true });
    },
  };
}
