import { cipherFromConfig } from '../../../src/security/cipher.js';
import { createStore } from '../../../src/store/create-store.js';

/**
 * Reads a killed bot's transcript (its SQLite file and data key under `dataDir`) and counts, per
 * conversation, the outgoing messages still `pending`: handed to the platform, with no answer
 * recorded when the process died. Only these can go out twice — the platforms take no idempotency
 * key, so a send that was in flight at the kill is sent again on the replay rather than risk never
 * answering. Everything recorded `sent` is skipped on the replay.
 */
export async function pendingSendsAt(dataDir: string, conversations: { channel: string; externalId: string }[]): Promise<Map<string, number>> {
  const store = await createStore({ mongodbUri: undefined, dataDir, cipher: cipherFromConfig({ dataKey: undefined, dataKeysPrevious: [], dataDir }).cipher });
  try {
    const pending = new Map<string, number>();
    for (const { channel, externalId } of conversations) {
      const conversation = await store.conversations.findByExternal(channel, externalId);
      const outgoing = conversation ? await store.messages.list(conversation.id, { direction: 'outgoing', limit: 1000 }) : [];
      pending.set(`${channel}:${externalId}`, outgoing.filter((m) => m.delivery?.state === 'pending').length);
    }
    return pending;
  } finally {
    await store.close();
  }
}

/**
 * The bot's own record of what it answered, per conversation: for each incoming message the number
 * of outgoing messages that reply to it, and how many outgoing messages are still `pending`. After a
 * replay this is exact even where the platform got a copy twice: the replayed send is the same
 * transcript message (`out:<id>`), now `sent`, not a second one beside a forgotten `pending` one.
 */
export async function transcriptReplies(
  dataDir: string,
  conversations: { channel: string; externalId: string }[],
): Promise<Map<string, { repliesPerMessage: number[]; pending: number }>> {
  const store = await createStore({ mongodbUri: undefined, dataDir, cipher: cipherFromConfig({ dataKey: undefined, dataKeysPrevious: [], dataDir }).cipher });
  try {
    const result = new Map<string, { repliesPerMessage: number[]; pending: number }>();
    for (const { channel, externalId } of conversations) {
      const conversation = await store.conversations.findByExternal(channel, externalId);
      const messages = conversation ? await store.messages.list(conversation.id, { limit: 1000 }) : [];
      const outgoing = messages.filter((m) => m.direction === 'outgoing');
      const repliesPerMessage = messages
        .filter((m) => m.direction === 'incoming')
        .map((m) => outgoing.filter((o) => o.activity['replyToId'] === m.activity['id']).length);
      result.set(`${channel}:${externalId}`, { repliesPerMessage, pending: outgoing.filter((o) => o.delivery?.state === 'pending').length });
    }
    return result;
  } finally {
    await store.close();
  }
}
