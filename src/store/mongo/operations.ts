/** Generic MongoDB steps shared by the repositories: conflicts, paging, get and patch by id. */
import type { Model } from 'mongoose';
import type { Cipher } from '../../security/cipher.js';
import { StoreConflictError, StoreNotFoundError } from '../../errors/store-errors.js';
import { mergePatch } from '../record-values.js';
import type { Page } from '../types.js';
import type { DocumentMapping } from './documents.js';

/** MongoDB's duplicate-key error (E11000), whichever driver class carries it. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11000;
}

/** Awaits `write`, turning a unique-index clash into StoreConflictError for `what`. */
export async function mapConflict<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new StoreConflictError(what, error);
    throw error;
  }
}

/**
 * MongoDB reads a limit of 0 as "no limit", which is what an absent `limit` means; a given limit is
 * at least 1 (as in the SQLite store), so a page never silently turns into everything.
 */
export function limitOf(limit: number | undefined): number {
  return limit === undefined ? 0 : Math.max(1, Math.floor(limit));
}

export function pageOf(page: Page): { skip: number; limit: number } {
  return { skip: page.offset === undefined ? 0 : Math.max(0, Math.floor(page.offset)), limit: limitOf(page.limit) };
}

/** Drops the filters that are not set, so `{ status: undefined }` does not match only missing fields. */
export function definedFilter(filter: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

function pickFields<D extends object>(doc: D, keys: readonly string[]): Partial<D> {
  const picked: Partial<D> = {};
  for (const key of Object.keys(doc) as (keyof D & string)[]) if (keys.includes(key)) picked[key] = doc[key];
  return picked;
}

export async function findById<R extends { id: string }, D extends { _id: string }>(
  model: Model<D>,
  mapping: DocumentMapping<R, D>,
  cipher: Cipher,
  id: string,
): Promise<R | null> {
  const doc = await model.findById(id).lean<D>().exec();
  return doc ? mapping.fromDoc(doc, cipher) : null;
}

export async function insertRecord<R extends { id: string }, D extends { _id: string }>(
  model: Model<D>,
  mapping: DocumentMapping<R, D>,
  cipher: Cipher,
  record: R,
): Promise<R> {
  const doc = mapping.toDoc(record, cipher);
  await mapConflict(mapping.what, () => model.create(doc));
  // Decode what was written, so callers get the same fresh shapes a read returns.
  return mapping.fromDoc(doc, cipher);
}

/**
 * Sets only the fields the patch names (plus whatever `stamp` sets), so concurrent patches of
 * different fields from other processes are not overwritten with stale values. The current
 * document is read only to encode the merged record the same way an insert does.
 */
export async function patchById<R extends { id: string }, D extends { _id: string }>(
  model: Model<D>,
  mapping: DocumentMapping<R, D>,
  cipher: Cipher,
  id: string,
  patch: NoInfer<Partial<R>>,
  stamp: NoInfer<Partial<R>> = {},
): Promise<R> {
  const current = await findById(model, mapping, cipher, id);
  if (!current) throw new StoreNotFoundError(mapping.what, id);
  const updated = await patchIf(model, mapping, cipher, current, {}, patch, stamp);
  if (!updated) throw new StoreNotFoundError(mapping.what, id);
  return updated;
}

/**
 * Applies `patch` (and `stamp`) to the document of `current`, as patchById does, but only while the
 * document still matches `condition` (e.g. the status `current` was read with): a compare-and-set
 * for changes that must not build on a stale read. Null when the document no longer matches.
 */
export async function patchIf<R extends { id: string }, D extends { _id: string }>(
  model: Model<D>,
  mapping: DocumentMapping<R, D>,
  cipher: Cipher,
  current: R,
  condition: Record<string, unknown>,
  patch: NoInfer<Partial<R>>,
  stamp: NoInfer<Partial<R>> = {},
): Promise<R | null> {
  const merged = mergePatch(mergePatch(current, patch, mapping.fixedFields), stamp, mapping.fixedFields);
  const doc = mapping.toDoc(merged, cipher);
  const patched: [string, unknown][] = [...Object.entries(patch), ...Object.entries(stamp)];
  const fixed: readonly string[] = mapping.fixedFields.map(String);
  const $set = pickFields(
    doc,
    patched.filter(([key, value]) => value !== undefined && !fixed.includes(key)).map(([key]) => key),
  );
  const updated = await mapConflict(mapping.what, () =>
    model.findOneAndUpdate({ ...condition, _id: current.id }, { $set }, { returnDocument: 'after' }).lean<D>().exec(),
  );
  return updated ? mapping.fromDoc(updated, cipher) : null;
}
