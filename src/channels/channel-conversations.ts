import { StoreConflictError } from '../errors/store-errors.js';
import type { ConversationRecord, Store } from '../store/types.js';

/**
 * The conversation of an address on a channel (a Telegram chat, a WhatsApp number); the first
 * message creates it. Two processes may receive that first message at once: the loser of the
 * create reads the winner's record.
 */
export async function conversationFor(store: Store, channel: string, externalId: string): Promise<ConversationRecord> {
  const existing = await store.conversations.findByExternal(channel, externalId);
  if (existing) return existing;
  try {
    return await store.conversations.create({ channel, externalId });
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    const winner = await store.conversations.findByExternal(channel, externalId);
    if (!winner) throw error;
    return winner;
  }
}

/** The platform address of one of our conversations on `channel`; null for another channel's conversation. */
export async function externalIdOf(store: Store, channel: string, conversationId: string): Promise<string | null> {
  const conversation = await store.conversations.get(conversationId);
  return conversation?.channel === channel ? conversation.externalId : null;
}
