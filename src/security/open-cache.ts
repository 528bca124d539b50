import crypto from 'node:crypto';
import type { Cipher } from './cipher.js';

export type OpenCacheOptions = {
  /** Values remembered, the least recently used forgotten first; default 1,024. */
  entries?: number;
  /** Values longer than this (characters of plain text) are not remembered; default 8,192. */
  maxChars?: number;
};

/**
 * What a sealed value is remembered by: the SHA-256 of the whole sealed text (a tenth of the cost of
 * opening it). Not the text itself, which is larger than the value it seals; and the whole of it, so
 * a stored value altered in any way misses and fails to open, as it would without the cache.
 */
function keyOf(sealed: string): string {
  return crypto.hash('sha256', sealed, 'base64');
}

/**
 * A cipher that remembers the plain text of the values it sealed or opened most recently, keyed by
 * the sealed text, so opening one of them again costs a map look-up instead of AES-GCM.
 *
 * A turn reads back almost only what it or the turn before wrote: the conversation's state, sealed
 * at the end of one turn, is opened at the start of the next (and by every Direct Line request's
 * token check); a reply appended to the transcript is opened again when the page reads it. Under
 * the web chat benchmark about a sixth of the CPU went into opening values sealed moments before.
 *
 * What is at rest does not change: every value is still sealed with a fresh IV before it is stored.
 * The map holds plain text of recent records in memory, as the turns that wrote them did a moment
 * earlier; it is bounded in entries and in the size of each, lives only as long as the process, and
 * is emptied after every erasure (`forgettingAfter`).
 */
export function withOpenCache(cipher: Cipher, options: OpenCacheOptions = {}): OpenCache {
  const capacity = options.entries ?? 1024;
  const maxChars = options.maxChars ?? 8192;
  // A Map iterates in insertion order: deleting and re-inserting on use keeps the oldest first.
  const plainByKey = new Map<string, string>();

  const remember = (key: string, plain: string): void => {
    plainByKey.delete(key);
    plainByKey.set(key, plain);
    if (plainByKey.size > capacity) {
      const oldest = plainByKey.keys().next();
      if (!oldest.done) plainByKey.delete(oldest.value);
    }
  };
  const worthKeeping = (plain: string) => capacity > 0 && plain.length <= maxChars;

  const seal = (plain: string): string => {
    const sealed = cipher.seal(plain);
    if (worthKeeping(plain)) remember(keyOf(sealed), plain);
    return sealed;
  };
  const open = (sealed: string): string => {
    const key = keyOf(sealed);
    const known = plainByKey.get(key);
    if (known !== undefined) {
      remember(key, known);
      return known;
    }
    const plain = cipher.open(sealed);
    if (worthKeeping(plain)) remember(key, plain);
    return plain;
  };

  return {
    ...cipher,
    keyId: cipher.keyId,
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    // Parsed anew on every open: callers get their own objects, as from the cipher itself.
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    forget: () => plainByKey.clear(),
  };
}

/** A cipher with an open cache: `forget` drops every plain text it remembers. */
export type OpenCache = Cipher & { forget(): void };

/**
 * `run`, then the cache forgotten: for the store operations that erase (a beneficiary's erasure, the
 * retention purge), so the plain text of what was just erased does not stay in this process's memory
 * until newer values push it out. Forgetting everything is cheap next to an erasure, and simpler than
 * telling which entries were the erased ones.
 */
export function forgettingAfter<A extends unknown[], R>(cache: OpenCache, run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await run(...args);
    } finally {
      cache.forget();
    }
  };
}

/** `repository` with its erasing `method` wrapped in {@link forgettingAfter}. */
export function forgettingErasures<T extends object, K extends keyof T>(cache: OpenCache, repository: T, method: K): T {
  const run = repository[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  return { ...repository, [method]: forgettingAfter(cache, run) };
}
