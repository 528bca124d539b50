import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { startAppProcess } from '../lib/app-process.js';
import type { Benchmark } from '../lib/types.js';

/** Bot Framework Web Chat's full bundle, gzipped, as published for v4 (the minimal build is about 480 KB). */
const WEB_CHAT_FULL_GZIP = 950 * 1024;
const TARGET_BYTES = 200 * 1024;

/**
 * 8. What a beneficiary's phone downloads to open the chat: a real Chromium loads `/`, waits until the
 * network is idle (the conversation opened and its first read done), and every response body it fetched is counted raw and gzipped (level 6,
 * what a reverse proxy would serve). The baseline is Bot Framework Web Chat's published bundle size:
 * the widget a Bot Framework bot would otherwise embed.
 */
export const benchmark: Benchmark = {
  id: 'page-weight',
  order: 8,
  title: 'Web chat page weight (everything / loads)',
  async run(options) {
    const app = await startAppProcess({ redisUrl: options.redisUrl });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const bodies: { url: string; raw: number; gzip: number }[] = [];
      const pending: Promise<void>[] = [];
      page.on('response', (response) => {
        pending.push(
          response.body().then(
            (body) => {
              bodies.push({ url: new URL(response.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id'), raw: body.length, gzip: zlib.gzipSync(body, { level: 6 }).length });
            },
            () => undefined, // redirects and aborted requests have no body
          ),
        );
      });
      await page.goto(app.url, { waitUntil: 'networkidle' });
      await Promise.all(pending);
      const raw = bodies.reduce((a, b) => a + b.raw, 0);
      const gzip = bodies.reduce((a, b) => a + b.gzip, 0);
      const byFile = new Map<string, number>();
      for (const b of bodies) byFile.set(b.url, (byFile.get(b.url) ?? 0) + b.gzip);
      return {
        rows: [
          { label: 'chat page', figures: [{ name: 'gzipped', value: gzip / 1024, baseline: WEB_CHAT_FULL_GZIP / 1024, unit: 'KB' }, { name: 'raw', value: raw / 1024, unit: 'KB' }, { name: 'requests', value: bodies.length }] },
        ],
        targets: [{ description: 'gzipped page weight ≤ 200 KB', met: gzip <= TARGET_BYTES, detail: `${(gzip / 1024).toFixed(1)} KB` }],
        notes: [
          `files (gzipped bytes): ${[...byFile].map(([u, n]) => `${u} ${n}`).join(', ')}`,
          'baseline: Bot Framework Web Chat full bundle as published (about 950 KB gzipped), not measured here',
        ],
      };
    } finally {
      await browser.close();
      await app.stop();
    }
  },
};
