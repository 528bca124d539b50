import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { surveyJobId } from '../../src/followups/followup-jobs.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { Redis } from 'ioredis';
import { REDIS_URL, useTestApp } from '../helpers/test-app.js';

/**
 * Quiet hours with the clock at 23:00 in Riyadh on a Sunday: a survey that comes due waits in the
 * queue for the morning instead of reaching the beneficiary at night.
 */
const NIGHT = Date.parse('2026-11-29T23:00:00+03:00');
const startedAt = Date.now();
const t = useTestApp({ env: { SURVEY_DELAY_MS: '200', QUIET_HOURS: '22:00-08:00' }, now: () => NIGHT + (Date.now() - startedAt) });

describe('quiet hours', () => {
  it('hold a survey due at 23:00 until the morning', async () => {
    const dl = await DirectLineClient.start(t().url, 'night-visitor');
    await dl.say('السلام عليكم');
    await t().app.followUps.surveyAfter('service', 'night-service', dl.conversationId, null);
    await sleep(1200);
    const sent = (await dl.read()).filter((a) => a.from.role === 'bot');
    expect(sent.filter((a) => a.channelData?.field === 'rating')).toEqual([]);
    const job = await t().app.followupsQueue.getJob(surveyJobId('service', 'night-service'));
    expect(await job?.getState()).toBe('delayed');
    // Held for about nine hours (until 08:00), not minutes.
    // BullMQ scores a delayed job by its due time × 0x1000 (plus a counter).
    const redis = new Redis(REDIS_URL);
    const score = await redis.zscore(`${t().prefix}-bull:followups:delayed`, String(job?.id)).finally(() => redis.quit());
    const dueAt = Math.floor(Number(score) / 0x1000);
    expect(dueAt - Date.now()).toBeGreaterThan(8.5 * 3600_000);
  });
});
