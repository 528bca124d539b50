/**
 * Row <-> record plumbing shared by the SQLite repositories: reading typed values out of untyped
 * rows, encoding dates, JSON and sealed fields, and mapping SQLite errors to store errors.
 */
import Database from 'better-sqlite3';
import type { Cipher } from '../../security/cipher.js';
import { StoreConflictError } from '../../errors/store-errors.js';
import { isOneOf, isPlainObject } from '../record-values.js';
import type { ConsentRecord, Page } from '../types.js';

export type SqlValue = string | number | bigint | Buffer | null;
export type Row = { [column: string]: SqlValue };

/** What every repository gets: the open database, the data key, and a prepared-statement cache. */
export type SqliteContext = {
  db: Database.Database;
  cipher: Cipher;
  /** The prepared statement for `sql`, compiled once per connection. */
  stmt(sql: string): Database.Statement;
};

export function createContext(db: Database.Database, cipher: Cipher): SqliteContext {
  const cache = new Map<string, Database.Statement>();
  return {
    db,
    cipher,
    stmt(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** better-sqlite3 types results as `unknown`; a row is any object, and each column is checked on read. */
export function asRow(value: unknown): Row | null {
  return typeof value === 'object' && value !== null ? (value as Row) : null;
}

export function asRows(values: unknown[]): Row[] {
  return values.map((value) => {
    const row = asRow(value);
    if (!row) throw new Error('SQLite returned a row that is not an object');
    return row;
  });
}

function column(row: Row, name: string): SqlValue {
  const value = row[name];
  if (value === undefined) throw new Error(`SQLite row has no column ${name}`);
  return value;
}

export function text(row: Row, name: string): string {
  const value = column(row, name);
  if (typeof value !== 'string') throw new Error(`column ${name} is not text`);
  return value;
}

export function textOrNull(row: Row, name: string): string | null {
  return column(row, name) === null ? null : text(row, name);
}

export function int(row: Row, name: string): number {
  const value = column(row, name);
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`column ${name} is not a number`);
}

export function intOrNull(row: Row, name: string): number | null {
  return column(row, name) === null ? null : int(row, name);
}

export function oneOf<T extends string>(row: Row, name: string, allowed: readonly T[]): T {
  const value = text(row, name);
  if (!isOneOf(allowed, value)) throw new Error(`column ${name} holds an unknown value`);
  return value;
}

export function oneOfOrNull<T extends string>(row: Row, name: string, allowed: readonly T[]): T | null {
  return column(row, name) === null ? null : oneOf(row, name, allowed);
}

/** ISO-8601 in UTC: sorts as text in time order, and stays readable in the sqlite3 shell. */
export function dbDate(date: Date): string {
  return date.toISOString();
}

export function dbDateOrNull(date: Date | null): string | null {
  return date === null ? null : dbDate(date);
}

export function date(row: Row, name: string): Date {
  return new Date(text(row, name));
}

export function dateOrNull(row: Row, name: string): Date | null {
  const value = textOrNull(row, name);
  return value === null ? null : new Date(value);
}

export function json(row: Row, name: string): unknown {
  return JSON.parse(text(row, name));
}

export function objectJson(row: Row, name: string): Record<string, unknown> {
  return expectObject(json(row, name), name);
}

export function expectObject(value: unknown, name: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`column ${name} does not hold an object`);
  return value;
}

/** Sealed JSON column; NULL for null so an empty value costs no cipher text. */
export function sealJsonOrNull(cipher: Cipher, value: unknown): string | null {
  return value === null || value === undefined ? null : cipher.sealJson(value);
}

export function openJsonOrNull(cipher: Cipher, row: Row, name: string): unknown {
  const sealed = textOrNull(row, name);
  return sealed === null ? null : cipher.openJson(sealed);
}

export function sealTextOrNull(cipher: Cipher, value: string | null): string | null {
  return value === null ? null : cipher.seal(value);
}

export function openTextOrNull(cipher: Cipher, row: Row, name: string): string | null {
  const sealed = textOrNull(row, name);
  return sealed === null ? null : cipher.open(sealed);
}

/** Consent and declarations are kept as JSON; JSON.stringify writes `at` as ISO text. */
export function consentJson(consent: ConsentRecord | null): string | null {
  return consent === null ? null : JSON.stringify(consent);
}

export function consentOrNull(row: Row, name: string): ConsentRecord | null {
  const raw = textOrNull(row, name);
  if (raw === null) return null;
  const value = expectObject(JSON.parse(raw), name);
  const { version, at, channel } = value;
  if (typeof version !== 'string' || typeof at !== 'string' || typeof channel !== 'string') {
    throw new Error(`column ${name} does not hold a consent record`);
  }
  return { version, at: new Date(at), channel };
}

/** SQLite reports every unique or primary-key clash with one of these codes. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/** Runs `write`, turning a unique-key clash into StoreConflictError for `what`. */
export function mapConflict<T>(what: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreConflictError(what, error);
    throw error;
  }
}

/** SQLite reads a negative limit as "no limit"; a given limit is at least 1, as in the MongoDB store. */
export function limitParam(limit: number | undefined): number {
  return limit === undefined ? -1 : Math.max(1, Math.floor(limit));
}

/** `LIMIT ? OFFSET ?` values. */
export function pageParams(page: Page): [number, number] {
  return [limitParam(page.limit), page.offset === undefined ? 0 : Math.max(0, Math.floor(page.offset))];
}

/** Builds `WHERE a = ? AND b = ?` from the filters that are set, with their parameters in order. */
export function whereClause(conditions: ReadonlyArray<readonly [sql: string, value: SqlValue | undefined]>): {
  sql: string;
  params: SqlValue[];
} {
  const used = conditions.filter((condition): condition is readonly [string, SqlValue] => condition[1] !== undefined);
  return {
    sql: used.length === 0 ? '' : `WHERE ${used.map(([sql]) => sql).join(' AND ')}`,
    params: used.map(([, value]) => value),
  };
}
