import { describe, expect, it, vi } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { withOpenCache } from '../../src/security/open-cache.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const KEY = Buffer.alloc(32, 7);

/** The cipher with its `open` counted, to tell a remembered value from a decrypted one. */
function countedCipher() {
  const inner = createCipher(KEY);
  const open = vi.fn(inner.open);
  return { inner: { ...inner, open }, open };
}

describe('the open cache', () => {
  it('opens a value it sealed without decrypting it again, and each caller gets its own object', () => {
    const { inner, open } = countedCipher();
    const cipher = withOpenCache(inner);
    const sealed = cipher.sealJson({ step: 'national_id', answers: { city: 'الدمام' } });
    const first = cipher.openJson<{ answers: { city: string } }>(sealed);
    first.answers.city = 'changed by a caller';
    expect(cipher.openJson(sealed)).toEqual({ step: 'national_id', answers: { city: 'الدمام' } });
    expect(open).not.toHaveBeenCalled();
  });

  it('still seals with a fresh IV every time, so what is stored never repeats', () => {
    const cipher = withOpenCache(createCipher(KEY));
    expect(cipher.seal('same text')).not.toBe(cipher.seal('same text'));
  });

  it('opens what another process sealed, and a tampered value still fails', () => {
    const elsewhere = createCipher(KEY);
    const cipher = withOpenCache(createCipher(KEY));
    const sealed = elsewhere.seal('مرحبا');
    expect(cipher.open(sealed)).toBe('مرحبا');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.open(parts.join('.'))).toThrow();
  });

  it('forgets the least recently used value beyond its capacity, and skips long values', () => {
    const { inner, open } = countedCipher();
    const cipher = withOpenCache(inner, { entries: 2, maxChars: 10 });
    const a = cipher.seal('a');
    const b = cipher.seal('b');
    cipher.open(a); // a is now the most recent
    const c = cipher.seal('c'); // b goes
    expect([cipher.open(a), cipher.open(c)]).toEqual(['a', 'c']);
    expect(open).not.toHaveBeenCalled();
    expect(cipher.open(b)).toBe('b');
    expect(open).toHaveBeenCalledTimes(1);
    const long = cipher.seal('x'.repeat(11));
    cipher.open(long);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('is emptied by every erasure in the store, so no erased words stay in memory after it', async () => {
    const { inner, open } = countedCipher();
    const store = createSqliteStore({ file: ':memory:', cipher: inner });
    try {
      const erased = await store.conversations.create({ channel: 'telegram', externalId: 'erased' });
      const other = await store.conversations.create({ channel: 'telegram', externalId: 'other' });
      for (const conversation of [erased, other]) {
        await store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: 'رقم هويتي 1012345678' } });
      }
      await store.messages.list(other.id);
      const before = open.mock.calls.length;
      await store.messages.list(other.id);
      expect(open.mock.calls.length).toBe(before); // remembered

      await store.messages.eraseConversation(erased.id);
      // Everything remembered went, the erased conversation's words with it: reading the other
      // conversation now opens what is stored again.
      await store.messages.list(other.id);
      expect(open.mock.calls.length).toBeGreaterThan(before);
      expect(JSON.stringify((await store.messages.list(erased.id))[0]?.activity)).not.toContain('1012345678');

      // A contact's erasure ends with its volunteer offers and feedback: those empty it too.
      await store.messages.list(other.id);
      const remembered = open.mock.calls.length;
      await store.messages.list(other.id);
      expect(open.mock.calls.length).toBe(remembered);
      await store.volunteers.eraseByContact('nobody');
      await store.messages.list(other.id);
      expect(open.mock.calls.length).toBeGreaterThan(remembered);
    } finally {
      await store.close();
    }
  });
});
