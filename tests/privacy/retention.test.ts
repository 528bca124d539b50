import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RETENTION_ACTION, RETENTION_ACTOR } from '../../src/privacy/retention.js';
import { RETENTION_QUEUE, RETENTION_SCHEDULER_ID, RETENTION_TIME_ZONE } from '../../src/privacy/retention-job.js';
import type { App } from '../../src/app.js';
import { clearRedisPrefix, REDIS_URL, removeDir, startTestApp, useTestApp } from '../helpers/test-app.js';

const DAY_MS = 24 * 3600_000;
const SCHEDULE = '30 2 * * *';

/** The app's clock: real time until a test moves it forward. */
let clockOffsetMs = 0;
const now = () => Date.now() + clockOffsetMs;

const env = { RETENTION_SCHEDULE: SCHEDULE, RETENTION_DRAFT_DAYS: '90', RETENTION_TRANSCRIPT_DAYS: '0', RETENTION_REJECTED_DAYS: '0', RETENTION_DOCUMENT_DAYS: '0' };

function retentionOf(app: App): NonNullable<App['retention']> {
  if (!app.retention) throw new Error('this app runs no workers');
  return app.retention;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('retention job', () => {
  const t = useTestApp({ env, now });

  it('registers one schedule with the configured pattern in Riyadh time, however many worker processes start', async () => {
    const queue = retentionOf(t().app).queue;
    expect(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)).toMatchObject({ pattern: SCHEDULE, tz: RETENTION_TIME_ZONE });

    const second = await startTestApp({ prefix: t().prefix, env, now });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(1);
      const scheduled = (await queue.getDelayed()).filter((job) => job.repeatJobKey === RETENTION_SCHEDULER_ID);
      expect(scheduled).toHaveLength(1);
    } finally {
      await second.stop();
      removeDir(second.dataDir);
    }
  });

  it('purges an old draft when the scheduled job runs, and audits counts only', async () => {
    const { app } = t();
    const store = app.store;
    const old = await store.conversations.create({ channel: 'webchat', externalId: 'retention-old' });
    await store.conversations.update(old.id, { state: { v: 1, frame: { flow: 'support-request', step: 'city', data: { nationalId: '1098765432' } } } });
    // The job runs 91 days later by the app's clock; the draft limit is 90.
    clockOffsetMs = 91 * DAY_MS;

    const queue = retentionOf(app).queue;
    const [next] = (await queue.getDelayed()).filter((job) => job.repeatJobKey === RETENTION_SCHEDULER_ID);
    if (!next) throw new Error('no scheduled purge');
    await next.promote();

    const [entry] = await until(
      () => store.audit.list({ actor: RETENTION_ACTOR }),
      (entries) => entries.length > 0,
    );
    expect(entry).toMatchObject({ action: RETENTION_ACTION, details: { drafts: 1, transcripts: 0, rejected: 0, documents: 0 } });
    expect(JSON.stringify(entry)).not.toContain('1098765432');
    expect((await store.conversations.get(old.id))?.state).toBeNull();

    // Nothing is left to do: a second purge at the same time changes nothing.
    expect(await retentionOf(app).runNow()).toEqual({ drafts: 0, transcripts: 0, rejected: 0, documents: 0 });
    expect(await store.audit.list({ actor: RETENTION_ACTOR })).toHaveLength(2);
    clockOffsetMs = 0;
  });
});

describe('retention in a web-only process', () => {
  it('runs no purge and registers no schedule there', async () => {
    const web = await startTestApp({ env, role: 'web' });
    try {
      expect(web.app.retention).toBeNull();
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(RETENTION_QUEUE, { connection, prefix: `${web.prefix}-bull` });
      try {
        expect(await queue.getJobSchedulersCount()).toBe(0);
      } finally {
        await queue.close();
        await connection.quit();
      }
    } finally {
      await web.stop();
      await clearRedisPrefix(web.prefix);
      removeDir(web.dataDir);
    }
  });
});
