import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Field encryption for data at rest (AES-256-GCM, a fresh IV per value), with key rotation: the
 * current key seals, previous keys still open. Sealed values are text in base64url, so both stores
 * keep them in ordinary string columns:
 *
 * - `v2.<kid>.<iv>.<tag>.<ciphertext>` (written now): `kid` names the key (see {@link keyIdOf}), so
 *   opening picks it at once;
 * - `v1.<iv>.<tag>.<ciphertext>` (written before rotation existed): opened by trying the current key,
 *   then the previous ones.
 *
 * @example
 * const cipher = createCipher(newKey, [oldKey]);
 * cipher.open(sealedUnderOldKey); // still reads
 * cipher.seal('x');               // 'v2.<kid of newKey>.…'
 */
export type Cipher = {
  /** Id of the key that seals (first 8 hex characters of its SHA-256). */
  readonly keyId: string;
  seal(plain: string): string;
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson<T = unknown>(sealed: string): T;
  /** Whether a sealed value (text) is already under the current key; `npm run rekey` skips those. */
  isCurrent(sealed: string): boolean;
  /**
   * Files: `IJB2`, the 4-byte key id, 12-byte IV, 16-byte tag, then the ciphertext. Files written
   * before rotation (IV, tag, ciphertext) still open, by trying each key.
   */
  sealBytes(plain: Buffer): Buffer;
  openBytes(sealed: Buffer): Buffer;
  /** Whether sealed bytes are already in the current layout under the current key. */
  isCurrentBytes(sealed: Buffer): boolean;
  /**
   * A keyed one-way fingerprint (HMAC-SHA256, hex) for looking a value up without storing it:
   * the same national ID always gives the same fingerprint, and without the data key it cannot be
   * recomputed from a list of possible IDs. Under the current key: what new records store.
   */
  fingerprint(purpose: string, value: string): string;
  /**
   * The value's fingerprints under the current key and every previous one, for lookups: records
   * stored before a rotation (and not yet re-keyed) are still found.
   */
  fingerprints(purpose: string, value: string): string[];
};

/** The first bytes of a file sealed in the keyed layout. */
const BYTES_MAGIC = Buffer.from('IJB2', 'latin1');
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** A key's short public id: the first 8 hex characters of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * @param key the current key (32 bytes): seals and fingerprints.
 * @param previous keys used before; they only open and give lookup fingerprints.
 */
export function createCipher(key: Buffer, previous: readonly Buffer[] = []): Cipher {
  const keys = [key, ...previous];
  for (const k of keys) if (k.length !== 32) throw new Error('the data key must be 32 bytes');
  const keyId = keyIdOf(key);
  const byId = new Map<string, Buffer>();
  // The current key first: should two keys share an id prefix, the current one wins.
  for (const k of keys) if (!byId.has(keyIdOf(k))) byId.set(keyIdOf(k), k);
  const distinct = [...new Map(keys.map((k) => [k.toString('hex'), k])).values()];

  const encrypt = (plain: Buffer): { iv: Buffer; tag: Buffer; body: Buffer } => {
    const iv = crypto.randomBytes(IV_LENGTH);
    const c = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return { iv, tag: c.getAuthTag(), body };
  };
  const decrypt = (k: Buffer, iv: Buffer, tag: Buffer, body: Buffer): Buffer => {
    const d = crypto.createDecipheriv('aes-256-gcm', k, iv);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(body), d.final()]);
  };
  /** Tries each key in turn (values sealed before key ids existed); the last failure if none fits. */
  const decryptWithAny = (iv: Buffer, tag: Buffer, body: Buffer): Buffer => {
    let failure: unknown;
    for (const k of distinct) {
      try {
        return decrypt(k, iv, tag, body);
      } catch (error) {
        failure = error;
      }
    }
    throw new Error('no data key opens this value (DATA_KEY or DATA_KEYS_PREVIOUS is missing the key it was sealed with)', { cause: failure });
  };
  const keyFor = (kid: string): Buffer => {
    const k = byId.get(kid);
    if (!k) throw new Error(`sealed under an unknown data key ${kid}: add that key to DATA_KEYS_PREVIOUS`);
    return k;
  };

  const seal = (plain: string): string => {
    const { iv, tag, body } = encrypt(Buffer.from(plain, 'utf8'));
    return ['v2', keyId, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
  };
  const open = (sealed: string): string => {
    const parts = sealed.split('.');
    const b64 = (s: string) => Buffer.from(s, 'base64url');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, kid, iv, tag, body] = parts as [string, string, string, string, string];
      return decrypt(keyFor(kid), b64(iv), b64(tag), b64(body)).toString('utf8');
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, iv, tag, body] = parts as [string, string, string, string];
      return decryptWithAny(b64(iv), b64(tag), b64(body)).toString('utf8');
    }
    throw new Error('not a sealed value');
  };

  const sealBytes = (plain: Buffer): Buffer => {
    const { iv, tag, body } = encrypt(plain);
    return Buffer.concat([BYTES_MAGIC, Buffer.from(keyId, 'hex'), iv, tag, body]);
  };
  const openBytes = (sealed: Buffer): Buffer => {
    const head = BYTES_MAGIC.length + 4;
    if (sealed.length >= head + IV_LENGTH + TAG_LENGTH && sealed.subarray(0, BYTES_MAGIC.length).equals(BYTES_MAGIC)) {
      const k = byId.get(sealed.subarray(BYTES_MAGIC.length, head).toString('hex'));
      const rest = sealed.subarray(head);
      // An old file whose random IV happens to begin with the magic (2^-32, then a key id) falls through.
      if (k) {
        try {
          return decrypt(k, rest.subarray(0, IV_LENGTH), rest.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH), rest.subarray(IV_LENGTH + TAG_LENGTH));
        } catch {
          // tried below in the old layout
        }
      }
    }
    if (sealed.length < IV_LENGTH + TAG_LENGTH) throw new Error('not sealed bytes');
    return decryptWithAny(sealed.subarray(0, IV_LENGTH), sealed.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH), sealed.subarray(IV_LENGTH + TAG_LENGTH));
  };

  const hmac = (k: Buffer, purpose: string, value: string) => crypto.createHmac('sha256', k).update(`injab:${purpose}:`).update(value).digest('hex');

  return {
    keyId,
    seal,
    open,
    sealBytes,
    openBytes,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    isCurrent: (sealed) => sealed.startsWith(`v2.${keyId}.`),
    isCurrentBytes: (sealed) => sealed.subarray(0, BYTES_MAGIC.length).equals(BYTES_MAGIC) && sealed.subarray(BYTES_MAGIC.length, BYTES_MAGIC.length + 4).toString('hex') === keyId,
    fingerprint: (purpose, value) => hmac(key, purpose, value),
    fingerprints: (purpose, value) => distinct.map((k) => hmac(k, purpose, value)),
  };
}

/** A data key as configured: 64 hex characters or base64 of 32 bytes. */
export function parseDataKey(text: string): Buffer {
  return Buffer.from(text, /^[0-9a-f]{64}$/i.test(text) ? 'hex' : 'base64');
}

/**
 * The key from DATA_KEY (hex or base64), or else the one kept in `<dataDir>/data.key`, made on first
 * start with owner-only permissions. Losing that file means losing the encrypted fields: back it up.
 */
export function resolveDataKey(dataKey: string | undefined, dataDir: string): { key: Buffer; generated: boolean } {
  if (dataKey) return { key: parseDataKey(dataKey), generated: false };
  const file = path.join(dataDir, 'data.key');
  if (fs.existsSync(file)) return { key: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'), generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}

/**
 * The cipher of a configuration: the current key (DATA_KEY or `data.key`) and DATA_KEYS_PREVIOUS.
 * One place for the app and `npm run rekey`, so both read the data the same way.
 */
export function cipherFromConfig(config: { dataKey: string | undefined; dataKeysPrevious: readonly string[]; dataDir: string }): { cipher: Cipher; generated: boolean } {
  const current = resolveDataKey(config.dataKey, config.dataDir);
  return { cipher: createCipher(current.key, config.dataKeysPrevious.map(parseDataKey)), generated: current.generated };
}

/** SHA-256 of a secret such as a Direct Line token, for storing and looking it up without keeping it. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}
