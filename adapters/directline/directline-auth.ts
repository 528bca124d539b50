import crypto from 'node:crypto';
import { hashSecret } from '../../src/security/cipher.js';
import type { Store, TokenHolder } from '../../src/store/types.js';
import { DirectLineError } from './directline-error.js';

/** A fresh conversation token: 32 random bytes, base64url. Only its hash is stored. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header?.trim() ?? '');
  return match?.[1] ?? null;
}

/**
 * The conversation a request's token opens. No token: 401. A token of another conversation: 403.
 * An expired token: 401 with code TokenExpired.
 */
export async function authorize(store: Store, authorization: string | undefined, conversationId: string | null): Promise<TokenHolder> {
  const token = bearerOf(authorization);
  if (!token) throw new DirectLineError(401, 'Unauthorized', 'Send the conversation token as "Authorization: Bearer <token>".');
  const conversation = await store.conversations.findByTokenHash(hashSecret(token));
  if (!conversation) throw new DirectLineError(401, 'Unauthorized', 'The token is not valid. Start a new conversation.');
  if (conversation.tokenExpiresAt && conversation.tokenExpiresAt.getTime() < Date.now()) {
    throw new DirectLineError(401, 'TokenExpired', 'The token has expired. Start a new conversation.');
  }
  if (conversationId !== null && conversation.id !== conversationId) {
    throw new DirectLineError(403, 'Forbidden', 'This token does not open that conversation.');
  }
  return conversation;
}
