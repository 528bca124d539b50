import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCipher, keyIdOf, parseDataKey } from '../../src/security/cipher.js';

const A = Buffer.alloc(32, 1);
const B = Buffer.alloc(32, 2);
const C = Buffer.alloc(32, 3);

/** What the cipher wrote before key ids existed: `v1.<iv>.<tag>.<ct>` and IV|tag|ct for files. */
function sealV1(key: Buffer, plain: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}
function sealBytesV1(key: Buffer, plain: Buffer): Buffer {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

describe('the cipher', () => {
  it('seals as v2 with the current key id, and opens it again', () => {
    const cipher = createCipher(A);
    const sealed = cipher.seal('خالد سعد');
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed.startsWith(`v2.${keyIdOf(A)}.`)).toBe(true);
    expect(keyIdOf(A)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(A)).toBe(crypto.createHash('sha256').update(A).digest('hex').slice(0, 8));
    expect(cipher.open(sealed)).toBe('خالد سعد');
    expect(cipher.openJson(cipher.sealJson({ income: 7000 }))).toEqual({ income: 7000 });
    expect(cipher.isCurrent(sealed)).toBe(true);
  });

  it('still opens v1 values, under the current key or a previous one', () => {
    expect(createCipher(A).open(sealV1(A, 'old'))).toBe('old');
    const rotated = createCipher(B, [A]);
    expect(rotated.open(sealV1(A, 'older'))).toBe('older');
    expect(rotated.isCurrent(sealV1(B, 'x'))).toBe(false);
  });

  it('opens v2 values of a previous key by their key id, and seals under the current key', () => {
    const sealed = createCipher(A).seal('before rotation');
    const rotated = createCipher(B, [C, A]);
    expect(rotated.open(sealed)).toBe('before rotation');
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(rotated.seal('after').startsWith(`v2.${keyIdOf(B)}.`)).toBe(true);
  });

  it('refuses a value sealed under a key it does not have, and a tampered one', () => {
    const sealed = createCipher(A).seal('secret');
    expect(() => createCipher(B).open(sealed)).toThrow(/unknown data key/);
    expect(() => createCipher(B, [C]).open(sealV1(A, 'secret'))).toThrow(/no data key opens/);
    const parts = sealed.split('.');
    parts[1] = keyIdOf(B);
    expect(() => createCipher(B, [A]).open(parts.join('.'))).toThrow();
    expect(() => createCipher(A).open('plain text')).toThrow(/not a sealed value/);
  });

  it('seals files with a key id prefix and still opens the old layout', () => {
    const bytes = Buffer.from('%PDF-1.4 report');
    const old = sealBytesV1(A, bytes);
    const rotated = createCipher(B, [A]);
    expect(rotated.openBytes(old)).toEqual(bytes);
    expect(rotated.isCurrentBytes(old)).toBe(false);

    const sealed = createCipher(A).sealBytes(bytes);
    expect(sealed.subarray(0, 4).toString('latin1')).toBe('IJB2');
    expect(sealed.subarray(4, 8).toString('hex')).toBe(keyIdOf(A));
    expect(rotated.openBytes(sealed)).toEqual(bytes);
    expect(rotated.isCurrentBytes(rotated.sealBytes(bytes))).toBe(true);
    expect(() => createCipher(C).openBytes(sealed)).toThrow(/no data key opens/);
  });

  it('gives fingerprints under every key for lookups, the current one first and alone for storing', () => {
    const before = createCipher(A).fingerprint('national-id', '1058529940');
    const rotated = createCipher(B, [A]);
    const all = rotated.fingerprints('national-id', '1058529940');
    expect(all).toEqual([rotated.fingerprint('national-id', '1058529940'), before]);
    expect(all[0]).not.toBe(before);
    expect(createCipher(A).fingerprints('national-id', '1058529940')).toEqual([before]);
    expect(rotated.fingerprint('national-id', '1058529940')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads keys as hex or base64, and refuses a key of the wrong length', () => {
    expect(parseDataKey(A.toString('hex'))).toEqual(A);
    expect(parseDataKey(A.toString('base64'))).toEqual(A);
    expect(() => createCipher(A, [Buffer.alloc(16)])).toThrow(/32 bytes/);
  });
});
