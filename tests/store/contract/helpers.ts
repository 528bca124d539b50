import { expect } from 'vitest';
import { StoreConflictError, StoreNotFoundError } from '../../../src/errors/store-errors.js';
import type { Store } from '../../../src/store/types.js';

/** The store under test; each test gets a fresh one. */
export type CurrentStore = () => Store;

/** A national ID as a beneficiary would type it; it must never reach the disk in the clear. */
export const NATIONAL_ID = '1098765432';

/** Waits long enough for the next record to get a later millisecond timestamp than the last. */
export function laterTick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

export async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreNotFoundError);
  expect(error).toMatchObject({ code: 'STORE_NOT_FOUND' });
}

export async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreConflictError);
  expect(error).toMatchObject({ code: 'STORE_CONFLICT' });
}

/** A conversation to hang messages, handoffs and surveys on. */
export async function someConversation(store: Store, externalId = 'chat-1') {
  return store.conversations.create({ channel: 'telegram', externalId });
}

export function activity(text: string): Record<string, unknown> {
  return { type: 'message', text, channelData: { nested: [1, 2, { deep: true }] } };
}
