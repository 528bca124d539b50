/**
 * Insert, get-by-id and patch for tables keyed by `id`, so each repository only describes how its
 * record maps to a row.
 */
import crypto from 'node:crypto';
import { StoreNotFoundError } from '../../errors/store-errors.js';
import type { Cipher } from '../../security/cipher.js';
import { mergePatch } from '../record-values.js';
import { asRow, mapConflict, type Row, type SqliteContext } from './rows.js';

export type TableMapping<R extends { id: string }> = {
  table: string;
  /** The record's name in error messages, e.g. `conversation`. */
  what: string;
  /** Columns an update may rewrite: everything except the id, creation time and store-owned values. */
  mutableColumns: readonly string[];
  /** Record fields a patch may not change (the counterparts of the columns left out above). */
  fixedFields: readonly (keyof R)[];
  toRow(record: R, ctx: SqliteContext): Row;
  fromRow(row: Row, ctx: SqliteContext): R;
};

/**
 * Writes `record` and returns it as a read would (decoded from the row just written), so callers
 * get fresh objects and the same shapes the other store returns.
 */
export function insertRecord<R extends { id: string }>(ctx: SqliteContext, mapping: TableMapping<R>, record: R): R {
  const row = mapping.toRow(record, ctx);
  const columns = Object.keys(row);
  const sql = `INSERT INTO ${mapping.table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
  mapConflict(mapping.what, () => ctx.stmt(sql).run(row));
  return mapping.fromRow(row, ctx);
}

export function getRecord<R extends { id: string }>(ctx: SqliteContext, mapping: TableMapping<R>, id: string): R | null {
  const row = asRow(ctx.stmt(`SELECT * FROM ${mapping.table} WHERE id = ?`).get(id));
  return row ? mapping.fromRow(row, ctx) : null;
}

/**
 * Read, merge and write back in one IMMEDIATE transaction, so a patch from another process cannot
 * land between the read and the write and be lost. `finish` stamps store-owned fields (updatedAt).
 */
export function updateRecord<R extends { id: string }>(
  ctx: SqliteContext,
  mapping: TableMapping<R>,
  id: string,
  patch: NoInfer<Partial<R>>,
  finish: (merged: NoInfer<R>) => NoInfer<R> = (merged) => merged,
): R {
  const run = ctx.db.transaction((): R => {
    const currentRow = asRow(ctx.stmt(`SELECT * FROM ${mapping.table} WHERE id = ?`).get(id));
    if (!currentRow) throw new StoreNotFoundError(mapping.what, id);
    const current = mapping.fromRow(currentRow, ctx);
    const row = keepingUnchanged(ctx, currentRow, (cipher) => mapping.toRow(finish(mergePatch(current, patch, mapping.fixedFields)), { ...ctx, cipher }));
    const assignments = mapping.mutableColumns.map((c) => `${c} = @${c}`).join(', ');
    const params: Row = { id };
    for (const c of mapping.mutableColumns) params[c] = row[c] ?? null;
    mapConflict(mapping.what, () => ctx.stmt(`UPDATE ${mapping.table} SET ${assignments} WHERE id = @id`).run(params));
    return mapping.fromRow(row, ctx);
  });
  return run.immediate();
}

/**
 * Builds the row that replaces `previous`, where a column whose sealed value has not changed keeps
 * the sealed text it has instead of being sealed anew (a conversation's reference, most turns; its
 * state, whenever a turn leaves it as it was). Column by column: a value is only ever kept in its
 * own column, so two columns holding equal values never show equal text. Only text sealed under the
 * current key is kept, so an update still re-seals a field written under an older one.
 *
 * `toRow` seals through a cipher that hands out a marker per value; each column holding a marker
 * then gets its old text back if that opens to the same value (the open cache makes this a look-up
 * for text the last turn sealed), or the value sealed now.
 */
/** Unguessable, so no plain column value can be taken for a marker. */
const MARKER = `\u0000sealed-${crypto.randomBytes(8).toString('hex')}-`;

function keepingUnchanged(ctx: SqliteContext, previous: Row, toRow: (cipher: Cipher) => Row): Row {
  const plainOf = new Map<string, string>();
  const marker = (plain: string): string => {
    const mark = `${MARKER}${plainOf.size}`;
    plainOf.set(mark, plain);
    return mark;
  };
  const row = toRow({ ...ctx.cipher, seal: marker, sealJson: (value) => marker(JSON.stringify(value)) });
  for (const [column, value] of Object.entries(row)) {
    if (typeof value !== 'string') continue;
    const plain = plainOf.get(value);
    if (plain === undefined) continue;
    plainOf.delete(value);
    row[column] = sealedBefore(ctx.cipher, previous[column], plain) ?? ctx.cipher.seal(plain);
  }
  // Every sealed value of these mappings is a whole column; one that is not would be written as a marker.
  if (plainOf.size > 0) throw new Error(`${plainOf.size} sealed value(s) not in a column of their own`);
  return row;
}

/** `previous` when it is text sealed under the current key that opens to `plain`. */
function sealedBefore(cipher: Cipher, previous: unknown, plain: string): string | null {
  if (typeof previous !== 'string' || !cipher.isCurrent(previous)) return null;
  try {
    return cipher.open(previous) === plain ? previous : null;
  } catch {
    // Plain text that only looks sealed: nothing to keep.
    return null;
  }
}
