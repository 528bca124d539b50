import crypto from 'node:crypto';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';
import { enqueueOutbound } from '../../src/queues/outbound-queue.js';
import { useTestApp } from '../helpers/test-app.js';
import { waitFor } from './support/traffic.js';

/** A platform that counts what reaches it. */
class CountingPlatform extends ChannelAdapter {
  readonly channel = 'counting-platform';
  readonly capabilities: ChannelCapabilities = { maxActions: 3, maxActionTitle: 20, maxTextLength: 4000, typing: false };
  readonly sent: Partial<Activity>[] = [];

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return activities.map((activity) => {
      this.sent.push(activity);
      return { id: `p-${this.sent.length}` };
    });
  }
}

const platform = new CountingPlatform();
const t = useTestApp({ adapters: [platform] });

async function conversation(): Promise<string> {
  const created = await t().app.store.conversations.create({ channel: platform.channel, externalId: `x-${crypto.randomUUID()}` });
  return created.id;
}

/**
 * What a crash leaves to be done again — a turn whose state was not saved, an outbound job that was
 * active and is retried once BullMQ finds it stalled — sends again only what the transcript does not
 * have as sent (`out:<activity id>`). The kill tests show this end to end; these show each case alone.
 */
describe('sends replayed after a crash', () => {
  it('an outbound job run a second time (stalled, then retried) does not reach the platform again', async () => {
    const conversationId = await conversation();
    const send = (context: TurnContext) => context.sendActivity({ id: 'out-stalled-1', type: 'message', text: 'رد الباحثة' });
    await t().app.runner.proactive(conversationId, send);
    await t().app.runner.proactive(conversationId, send);
    expect(platform.sent.filter((a) => a.text === 'رد الباحثة')).toHaveLength(1);
    const outgoing = await t().app.store.messages.list(conversationId, { direction: 'outgoing' });
    expect(outgoing.map((m) => [m.activity['id'], m.delivery?.state])).toEqual([['out-stalled-1', 'sent']]);
  });

  it('a queued message whose job id was sent already is completed without a second send', async () => {
    const conversationId = await conversation();
    const payload = { conversationId, idempotencyKey: `again-${conversationId}`, text: 'إشعار الحالة' };
    await enqueueOutbound(t().app.outbound, payload);
    expect(await waitFor(() => platform.sent.some((a) => a.text === 'إشعار الحالة'), 10_000)).toBe(true);
    // The same job again, as after a stall: BullMQ hands it over once more under the same id.
    const job = await t().app.outbound.queue.getJob(`out-again-${conversationId}`);
    await job?.remove();
    await enqueueOutbound(t().app.outbound, payload);
    expect(await waitFor(async () => (await t().app.outbound.queue.getJob(`out-again-${conversationId}`))?.finishedOn !== undefined, 10_000)).toBe(true);
    expect(platform.sent.filter((a) => a.text === 'إشعار الحالة')).toHaveLength(1);
  });

  it('a turn run again after a crash sends only the replies that had not gone out', async () => {
    const conversationId = await conversation();
    const incoming = { type: 'message', id: `in-${crypto.randomUUID()}`, text: 'مساعدة', from: { id: 'u1' }, conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' }, channelId: platform.channel } as Partial<Activity>;
    const adapter = t().app.runner.adapter(platform.channel);
    if (!adapter) throw new Error('adapter not registered');
    const reply = async (context: TurnContext) => {
      await context.sendActivity({ type: 'message', text: 'first part' });
      await context.sendActivity({ type: 'message', text: 'second part' });
    };
    await adapter.runTurn(incoming, reply);
    await adapter.runTurn(incoming, reply);
    expect(platform.sent.filter((a) => a.text === 'first part' || a.text === 'second part').map((a) => a.text)).toEqual(['first part', 'second part']);
    const outgoing = await t().app.store.messages.list(conversationId, { direction: 'outgoing' });
    expect(outgoing.map((m) => m.activity['id'])).toEqual([`${String(incoming.id)}-r0`, `${String(incoming.id)}-r1`]);
  });
});
