import type { Cipher } from './cipher.js';

export type OpenCacheOptions = {
  /** Sealed values remembered, most recent first out of the way; default 4,096. */
  entries?: number;
  /** Values longer than this (characters of plain text) are not remembered; default 16,384. */
  maxChars?: number;
};

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
 * earlier; it is bounded in entries and in the size of each, and lives only as long as the process.
 * A key is the whole sealed value (IV and tag included), so a look-up never confuses two values.
 */
export function withOpenCache(cipher: Cipher, options: OpenCacheOptions = {}): Cipher {
  const capacity = options.entries ?? 4096;
  const maxChars = options.maxChars ?? 16_384;
  // A Map iterates in insertion order: deleting and re-inserting on use keeps the oldest first.
  const plainBySealed = new Map<string, string>();

  const remember = (sealed: string, plain: string): void => {
    if (plain.length > maxChars || capacity <= 0) return;
    plainBySealed.delete(sealed);
    plainBySealed.set(sealed, plain);
    if (plainBySealed.size > capacity) {
      const oldest = plainBySealed.keys().next();
      if (!oldest.done) plainBySealed.delete(oldest.value);
    }
  };

  const seal = (plain: string): string => {
    const sealed = cipher.seal(plain);
    remember(sealed, plain);
    return sealed;
  };
  const open = (sealed: string): string => {
    const known = plainBySealed.get(sealed);
    if (known !== undefined) {
      remember(sealed, known);
      return known;
    }
    const plain = cipher.open(sealed);
    remember(sealed, plain);
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
  };
}
