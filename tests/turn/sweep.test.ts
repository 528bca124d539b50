import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import type { MessageRecord } from '../../src/store/types.js';
import { TurnSweeper } from '../../src/turn/turn-sweeper.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, type TestApp } from '../helpers/test-app.js';

/**
 * A webhook is acknowledged once its message is in the transcript, and the turn runs after. Should
 * the process die in between, the message is stored but never answered: the sweep finds it.
 */
const dataDir = tempDir('sweep');
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (apps[0]) await clearRedisPrefix(apps[0].prefix);
  removeDir(dataDir);
});

async function start(prefix?: string): Promise<TestApp> {
  const app = await startTestApp({ dataDir, ...(prefix ? { prefix } : {}) });
  apps.push(app);
  return app;
}

/** What a crash right after the acknowledgement leaves behind: the message stored, its turn never run. */
async function storeWithoutTurn(app: TestApp, conversationId: string, id: string, text: string): Promise<void> {
  await app.app.store.messages.append(conversationId, {
    direction: 'incoming',
    author: { kind: 'beneficiary' },
    activity: { type: 'message', id, text, timestamp: new Date(), channelId: 'webchat', from: { id: 'visitor', role: 'user' }, conversation: { id: conversationId } },
  });
}

async function repliesTo(app: TestApp, conversationId: string, id: string): Promise<MessageRecord[]> {
  const outgoing = await app.app.store.messages.list(conversationId, { direction: 'outgoing' });
  return outgoing.filter((m) => String(m.activity['id']).startsWith(`${id}-r`));
}

async function until<T>(read: () => Promise<T[]>): Promise<T[]> {
  for (let i = 0; i < 100; i += 1) {
    const found = await read();
    if (found.length > 0) return found;
    await sleep(50);
  }
  return read();
}

describe('messages stored without their turn', () => {
  it('are answered by the next process when it starts, once', async () => {
    const first = await start();
    const visitor = await DirectLineClient.start(first.url);
    expect((await visitor.say('مرحبا')).length).toBeGreaterThan(0);
    await storeWithoutTurn(first, visitor.conversationId, 'cut-off-1', 'وش الخدمات اللي تقدمونها؟');
    expect(await repliesTo(first, visitor.conversationId, 'cut-off-1')).toEqual([]);

    const second = await start(first.prefix);
    const replies = await until(() => repliesTo(second, visitor.conversationId, 'cut-off-1'));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0]?.delivery?.state).toBe('sent');
    // Sweeping again (or from another process) finds nothing left and sends nothing twice.
    expect(await first.app.runner.sweep()).toBe(0);
    expect(await second.app.runner.sweep()).toBe(0);
    expect(await repliesTo(second, visitor.conversationId, 'cut-off-1')).toHaveLength(replies.length);
  });

  it('are answered by the periodic sweep while the process runs', async () => {
    const app = apps[0] ?? (await start());
    const visitor = await DirectLineClient.start(app.url);
    const sweeper = new TurnSweeper(app.app.runner, { logger: createLogger({ level: 'silent' }), intervalMs: 100, graceMs: 300 });
    sweeper.start();
    try {
      await sleep(50);
      await storeWithoutTurn(app, visitor.conversationId, 'cut-off-2', 'مرحبا');
      // Left alone while it could still be on its way through a live receive.
      await sleep(150);
      expect(await repliesTo(app, visitor.conversationId, 'cut-off-2')).toEqual([]);
      const replies = await until(() => repliesTo(app, visitor.conversationId, 'cut-off-2'));
      expect(replies.length).toBeGreaterThan(0);
      // The page reads it like any reply.
      const read = await visitor.read();
      expect(read.some((a) => a.from.role === 'bot' && String(a.id).startsWith('cut-off-2-r'))).toBe(true);
    } finally {
      await sweeper.stop();
    }
  });

  it('leaves out conversations not updated since the given time', async () => {
    const app = apps[0] ?? (await start());
    const visitor = await DirectLineClient.start(app.url);
    await storeWithoutTurn(app, visitor.conversationId, 'cut-off-3', 'مرحبا');
    expect(await app.app.store.conversations.listUnhandled({ limit: 10, updatedSince: new Date(Date.now() + 60_000) })).not.toContain(visitor.conversationId);
    expect(await app.app.store.conversations.listUnhandled({ limit: 10 })).toContain(visitor.conversationId);
    await app.app.runner.sweep();
    expect(await app.app.store.conversations.listUnhandled({ limit: 10 })).not.toContain(visitor.conversationId);
  });
});
