import { startAppProcess } from '../lib/app-process.js';
import { compiledEntry } from '../lib/compiled-app.js';
import { createHeapProbe, type HeapSample } from '../lib/heap-probe.js';
import { startPrivateRedis } from '../lib/private-redis.js';
import { folderBytes, MB, processRssParts } from '../lib/proc.js';
import { sleep } from '../lib/stats.js';
import type { Benchmark } from '../lib/types.js';
import { MID_FORM, runVisits } from '../lib/webchat-workload.js';

const FULL = 10_000;
const TARGET_RSS = 200 * MB;

type Snapshot = { rss: number; parts: ReturnType<typeof processRssParts>; heap: HeapSample; redis: number; disk: number };

/**
 * 5. Memory with many conversations open: N beneficiaries (10,000; `--quick` 1,000) each part-way
 * through the support application with a short history (greeting, an FAQ question, the application
 * started, consent, the applicant's name and ID — `MID_FORM`), driven over HTTP, 50 at a time. Then
 * the bot process's RSS (from /proc; the compiled build, as production runs it), its heap after a forced GC (`heap-probe.ts`), Redis
 * `used_memory` (a redis-server of its own) and the SQLite data folder, each per conversation. The
 * baseline is the same process idle after start, before any conversation.
 */
export const benchmark: Benchmark = {
  id: 'memory',
  order: 5,
  title: 'Memory with 10,000 conversations in the middle of the application',
  async run(options) {
    const conversations = options.quick ? 1000 : FULL;
    const redis = await startPrivateRedis();
    const probe = createHeapProbe();
    try {
      const app = await startAppProcess({ redisUrl: redis.url, entry: await compiledEntry(), nodeArgs: probe.nodeArgs, env: probe.env });
      const snapshot = async (): Promise<Snapshot> => {
        const rss = app.rss(); // before the probe's GC: what the process holds as it runs
        const parts = processRssParts(app.pid);
        return { rss, parts, heap: await probe.sample(app.pid), redis: await redis.usedMemory(), disk: folderBytes(app.dataDir) };
      };
      let idle: Snapshot;
      let loaded: Snapshot;
      let fields: Map<string, number>;
      try {
        await sleep(3000); // start-up work (knowledge index, queues) settles
        idle = await snapshot();
        options.log(`${conversations} conversations × ${MID_FORM.length} messages`);
        ({ lastFields: fields } = await runVisits({
          url: app.url,
          visits: conversations,
          concurrency: 50,
          script: MID_FORM,
          onProgress: (done) => options.log(`${done} conversations`),
        }));
        await sleep(2000);
        loaded = await snapshot();
      } finally {
        await app.stop();
      }
      const per = (after: number, before: number) => (after - before) / conversations;
      const rssPer = per(loaded.rss, idle.rss);
      // Linear in N only if each conversation held memory; most of the growth is the allocator's
      // high-water mark from the run itself (the soak plateaus), so this is an upper bound.
      const projected = idle.rss + rssPer * FULL;
      return {
        rows: [
          {
            label: `${conversations} conversations`,
            figures: [
              { name: 'RSS', value: loaded.rss / MB, baseline: idle.rss / MB, unit: 'MB' },
              { name: 'RSS after GC', value: loaded.heap.rss / MB, baseline: idle.heap.rss / MB, unit: 'MB' },
              { name: 'heap after GC', value: loaded.heap.heapUsed / MB, baseline: idle.heap.heapUsed / MB, unit: 'MB' },
              { name: 'Redis used_memory', value: loaded.redis / MB, baseline: idle.redis / MB, unit: 'MB' },
              { name: 'SQLite folder', value: loaded.disk / MB, baseline: idle.disk / MB, unit: 'MB' },
            ],
          },
          {
            label: 'per conversation',
            figures: [
              { name: 'RSS', value: rssPer, unit: 'B' },
              { name: 'RSS after GC', value: per(loaded.heap.rss, idle.heap.rss), unit: 'B' },
              { name: 'heap', value: per(loaded.heap.heapUsed, idle.heap.heapUsed), unit: 'B' },
              { name: 'Redis', value: per(loaded.redis, idle.redis), unit: 'B' },
              { name: 'SQLite', value: per(loaded.disk, idle.disk), unit: 'B' },
            ],
          },
        ],
        targets: [
          {
            description: 'RSS ≤ 200 MB with 10,000 conversations',
            met: loaded.rss <= TARGET_RSS,
            detail: options.quick
              ? `${(loaded.rss / MB).toFixed(0)} MB with only ${conversations} (--quick; run without it for ${FULL}); straight-line upper bound for ${FULL}: ${(projected / MB).toFixed(0)} MB`
              : `${(loaded.rss / MB).toFixed(0)} MB`,
          },
        ],
        notes: [
          `each conversation: ${MID_FORM.length} messages (greeting, FAQ question, start of the support application, consent, name, national ID); where they stand: ${[...fields].map(([f, n]) => `${f} ${n}`).join(', ')}`,
          `RSS is read while the process runs (no forced GC); heap is heapUsed right after a full GC (--expose-gc and a SIGUSR2 probe loaded only for the benchmark); external ${(loaded.heap.external / MB).toFixed(1)} MB`,
          `where the RSS is (idle → loaded): anonymous ${(idle.parts.anon / MB).toFixed(0)} → ${(loaded.parts.anon / MB).toFixed(0)} MB, file-backed (node binary, libraries, ICU data) ${(idle.parts.file / MB).toFixed(0)} → ${(loaded.parts.file / MB).toFixed(0)} MB; V8 heap total ${(idle.heap.heapTotal / MB).toFixed(0)} → ${(loaded.heap.heapTotal / MB).toFixed(0)} MB`,
          'SQLite folder: database, WAL and key file, as on disk after the run (the WAL is not checkpointed first)',
          'baseline: the same process idle 3 s after start, before any conversation',
          'the bot runs compiled (esbuild, as `node dist/src/main.js` in the Dockerfile), not under tsx, whose loader adds about 40 MB',
        ],
      };
    } finally {
      probe.dispose();
      await redis.stop();
    }
  },
};
