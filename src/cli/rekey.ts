/**
 * `npm run rekey`: after a data key rotation (a new DATA_KEY, the old one in DATA_KEYS_PREVIOUS),
 * re-seal every sealed value and file under the current key and recompute the stored national-ID
 * fingerprints, so the previous keys can then be dropped from the configuration.
 *
 * The embedded store only (MongoDB is not supported yet). The walk is generic: every text column of
 * every table whose value is a sealed value (`v1.…`, `v2.…`) is opened and sealed again, so a new
 * sealed column needs no change here. One IMMEDIATE transaction for the database, then the files one
 * by one (written beside, then renamed). Values and files already under the current key are left
 * alone, so running it twice — or again after an interruption — is harmless.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig, type Config } from '../config/config.js';
import { nationalIdKeys } from '../requests/request-services.js';
import { cipherFromConfig, type Cipher } from '../security/cipher.js';
import { SQLITE_FILE_NAME } from '../store/create-store.js';

export type RekeyReport = {
  /** Sealed values written again under the current key. */
  values: number;
  /** Requests whose applicant fingerprints were recomputed. */
  fingerprints: number;
  /** Files (bytes and descriptions) written again. */
  files: number;
};

/** What a sealed text looks like (`v1.<iv>.<tag>.<ct>` or `v2.<kid>.<iv>.<tag>.<ct>`, base64url). */
const SEALED = /^(?:v1|v2\.[0-9a-f]{8})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const PAGE = 500;

/** Re-keys the configured store; throws for MongoDB, which is not supported yet. */
export async function rekey(config: Config): Promise<RekeyReport> {
  if (config.mongodbUri) throw new Error('npm run rekey supports the embedded SQLite store only; MongoDB is not supported yet');
  const { cipher } = cipherFromConfig(config);
  const file = path.join(config.dataDir, SQLITE_FILE_NAME);
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  const db = new Database(file, { fileMustExist: true });
  let report: Omit<RekeyReport, 'files'>;
  try {
    db.pragma('busy_timeout = 5000');
    report = db.transaction(() => ({ values: resealTables(db, cipher), fingerprints: refingerprint(db, cipher) })).immediate();
  } finally {
    db.close();
  }
  return { ...report, files: await resealFiles(path.join(config.dataDir, 'files'), cipher) };
}

type Column = { name: string; pk: number };

/** Every sealed text value not yet under the current key, opened and sealed again; returns how many. */
function resealTables(db: Database.Database, cipher: Cipher): number {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  let count = 0;
  for (const table of tables) {
    const columns = db.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(table) as Column[];
    const withoutRowid = (db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(table) as string).includes('WITHOUT ROWID');
    const keys = withoutRowid ? columns.filter((c) => c.pk > 0).map((c) => c.name) : ['rowid'];
    const where = keys.map((k) => `${quote(k)} = ?`).join(' AND ');
    for (const rows of pages(db, table, withoutRowid)) {
      for (const row of rows) {
        for (const { name } of columns) {
          const value = row[name];
          if (typeof value !== 'string' || !SEALED.test(value) || cipher.isCurrent(value)) continue;
          db.prepare(`UPDATE ${quote(table)} SET ${quote(name)} = ? WHERE ${where}`).run(cipher.seal(cipher.open(value)), ...keys.map((k) => row[k === 'rowid' ? '__rowid' : k]));
          count += 1;
        }
      }
    }
  }
  return count;
}

/** A table's rows in pages by rowid (a table without rowid, a small index table, at once). */
function* pages(db: Database.Database, table: string, withoutRowid: boolean): Generator<Record<string, unknown>[]> {
  if (withoutRowid) {
    yield db.prepare(`SELECT * FROM ${quote(table)}`).all() as Record<string, unknown>[];
    return;
  }
  const page = db.prepare(`SELECT rowid AS __rowid, * FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`);
  let after = -Infinity;
  for (;;) {
    const rows = page.all(after) as Record<string, unknown>[];
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)?.__rowid as number;
  }
}

/**
 * Each request's applicant fingerprints from its (sealed) answers under the current key, in the
 * row's JSON and in its index table. A request whose answers hold no national ID keeps its keys.
 */
function refingerprint(db: Database.Database, cipher: Cipher): number {
  const rows = db.prepare('SELECT id, answers, applicant_keys FROM support_requests').all() as { id: string; answers: string; applicant_keys: string }[];
  const setKeys = db.prepare('UPDATE support_requests SET applicant_keys = ? WHERE id = ?');
  const clearIndex = db.prepare('DELETE FROM support_request_keys WHERE request_id = ?');
  const fillIndex = db.prepare('INSERT OR IGNORE INTO support_request_keys (request_id, key) SELECT ?, value FROM json_each(?)');
  let count = 0;
  for (const row of rows) {
    const answers = cipher.openJson<Record<string, unknown>>(row.answers);
    const keys = nationalIdKeys(cipher, answers.national_id, answers.spouse_national_id);
    if (keys.length === 0 || JSON.stringify(keys) === row.applicant_keys) continue;
    setKeys.run(JSON.stringify(keys), row.id);
    clearIndex.run(row.id);
    fillIndex.run(row.id, JSON.stringify(keys));
    count += 1;
  }
  return count;
}

/** `<id>.bin` (sealed bytes) and `<id>.json` (sealed description), each replaced by rename. */
async function resealFiles(dir: string, cipher: Cipher): Promise<number> {
  const names = await fs.promises.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let count = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    let next: Buffer | string | null = null;
    if (name.endsWith('.bin')) {
      const sealed = await fs.promises.readFile(file);
      if (!cipher.isCurrentBytes(sealed)) next = cipher.sealBytes(cipher.openBytes(sealed));
    } else if (name.endsWith('.json')) {
      const sealed = await fs.promises.readFile(file, 'utf8');
      if (!cipher.isCurrent(sealed)) next = cipher.seal(cipher.open(sealed));
    }
    if (next === null) continue;
    const staged = `${file}.rekey`;
    await fs.promises.writeFile(staged, next, { mode: 0o600 });
    await fs.promises.rename(staged, file);
    count += 1;
  }
  return count;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const report = await rekey(config);
  process.stdout.write(
    `re-keyed ${report.values} sealed values, ${report.fingerprints} requests' fingerprints and ${report.files} files; ` +
      'once every process runs with the new DATA_KEY, DATA_KEYS_PREVIOUS can be emptied\n',
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
