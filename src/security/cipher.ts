import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Field encryption for data at rest (AES-256-GCM, a fresh IV per value). Sealed values are text,
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so both stores keep them in ordinary string columns.
 */
export type Cipher = {
  seal(plain: string): string;
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson<T = unknown>(sealed: string): T;
  /** Files: 12-byte IV, 16-byte tag, then the ciphertext. */
  sealBytes(plain: Buffer): Buffer;
  openBytes(sealed: Buffer): Buffer;
  /**
   * A keyed one-way fingerprint (HMAC-SHA256, hex) for looking a value up without storing it:
   * the same national ID always gives the same fingerprint, and without the data key it cannot be
   * recomputed from a list of possible IDs.
   */
  fingerprint(purpose: string, value: string): string;
};

export function createCipher(key: Buffer): Cipher {
  if (key.length !== 32) throw new Error('the data key must be 32 bytes');
  const seal = (plain: string): string => {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  };
  const open = (sealed: string): string => {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  };
  const sealBytes = (plain: Buffer): Buffer => {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  };
  const openBytes = (sealed: Buffer): Buffer => {
    const d = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]);
  };
  return {
    seal,
    open,
    sealBytes,
    openBytes,
    sealJson: (value) => seal(JSON.stringify(value)),
    fingerprint: (purpose, value) => crypto.createHmac('sha256', key).update(`injab:${purpose}:`).update(value).digest('hex'),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
  };
}

/**
 * The key from DATA_KEY (hex or base64), or else the one kept in `<dataDir>/data.key`, made on first
 * start with owner-only permissions. Losing that file means losing the encrypted fields: back it up.
 */
export function resolveDataKey(dataKey: string | undefined, dataDir: string): { key: Buffer; generated: boolean } {
  if (dataKey) return { key: Buffer.from(dataKey, /^[0-9a-f]{64}$/i.test(dataKey) ? 'hex' : 'base64'), generated: false };
  const file = path.join(dataDir, 'data.key');
  if (fs.existsSync(file)) return { key: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'), generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}

/** SHA-256 of a secret such as a Direct Line token, for storing and looking it up without keeping it. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}
