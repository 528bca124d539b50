import { describe, expect, it } from 'vitest';
import { reminderJobId, surveyJobId } from '../../src/followups/followup-jobs.js';
import { enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Erasure and the queues, on real Redis: what was scheduled for a beneficiary (a reminder, a survey,
 * a queued message) is removed when they erase their data, so nothing is sent to them afterwards and
 * no payload of theirs stays in Redis; another beneficiary's jobs stay and are sent.
 */
const DELAY_MS = 1500;
const t = useTestApp({ env: { SURVEY_DELAY_MS: String(DELAY_MS), REMINDER_DELAYS_MS: `${DELAY_MS},${DELAY_MS * 2}` } });

/** A visitor who has said hello (so the contact exists) and consented. */
async function visitor(userId: string): Promise<{ dl: DirectLineClient; contactId: string }> {
  const dl = await DirectLineClient.start(t().url, userId);
  await dl.say('السلام عليكم');
  const contactId = (await t().app.store.conversations.get(dl.conversationId))?.contactId;
  if (!contactId) throw new Error('no contact behind the conversation');
  await t().app.store.contacts.update(contactId, { consent: { version: '2026-11-v1', at: new Date(), channel: 'webchat' } });
  return { dl, contactId };
}

/** A reminder, a survey after a handoff and a delayed message, all for one conversation. */
async function schedule(conversationId: string): Promise<string[]> {
  const { followUps, outbound } = t().app;
  await followUps.applicationStarted(conversationId);
  await followUps.surveyAfter('handoff', `handoff-${conversationId}`, conversationId, null);
  const message = await enqueueOutbound(outbound, { conversationId, idempotencyKey: `note-${conversationId}`, text: 'موعدك مع الباحث يوم الأحد' }, { delayMs: DELAY_MS });
  return [reminderJobId('application', conversationId, 0), surveyJobId('handoff', `handoff-${conversationId}`), String(message.id)];
}

async function jobState(id: string): Promise<string> {
  const { followupsQueue, outbound } = t().app;
  const job = (await followupsQueue.getJob(id)) ?? (await outbound.queue.getJob(id));
  return job ? await job.getState() : 'gone';
}

describe('erasing my data cancels what was queued for me', () => {
  it('removes the reminder, the survey and the queued message, audits the count, and sends nothing later', async () => {
    const { dl, contactId } = await visitor('erase-jobs-1');
    const other = await visitor('erase-jobs-2');
    const mine = await schedule(dl.conversationId);
    const theirs = await schedule(other.dl.conversationId);
    for (const id of [...mine, ...theirs]) expect(await jobState(id)).toBe('delayed');

    await dl.say('احذف بياناتي');
    expect((await dl.say('نعم')).map((a) => a.text).join('\n')).toContain('تم حذف بياناتك');

    for (const id of mine) expect(await jobState(id)).toBe('gone');
    for (const id of theirs) expect(await jobState(id)).not.toBe('gone');
    const [audit] = await t().app.store.audit.list({ subjectType: 'contact', subjectId: contactId, actor: `beneficiary:${contactId}` });
    expect(audit).toMatchObject({ action: 'privacy.erased', details: { jobsCancelled: 3 } });

    // Past every delay: the other beneficiary's queued message went out, nothing came to the erased conversation.
    const sentAfterErasure = (await t().app.store.messages.list(dl.conversationId, { direction: 'outgoing' })).length;
    await expect
      .poll(async () => (await t().app.store.messages.list(other.dl.conversationId, { direction: 'outgoing' })).map((m) => String(m.activity['text'] ?? '')).join('\n'), {
        timeout: 10_000,
        interval: 200,
      })
      .toContain('موعدك مع الباحث');
    // Once sent, the job keeps its id (so it never goes twice) but not its words.
    await expect.poll(async () => JSON.stringify((await t().app.outbound.queue.getJob(theirs[2] ?? ''))?.data), { timeout: 5000 }).not.toContain('موعدك');
    expect((await t().app.outbound.queue.getJob(theirs[2] ?? ''))?.data).toMatchObject({ conversationId: other.dl.conversationId, done: true });
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
    expect(await t().app.store.messages.list(dl.conversationId, { direction: 'outgoing' })).toHaveLength(sentAfterErasure);
  });
});
