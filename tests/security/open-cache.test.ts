import { describe, expect, it, vi } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { withOpenCache } from '../../src/security/open-cache.js';

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
});
