import fs from 'node:fs';
import path from 'node:path';
import type { Cipher } from '../security/cipher.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export type CreateStoreOptions = {
  /** MongoDB when set; otherwise the embedded SQLite file, so a single machine needs no database server. */
  mongodbUri: string | undefined;
  dataDir: string;
  cipher: Cipher;
};

export const SQLITE_FILE_NAME = 'injab.sqlite';

/**
 * Opens the configured store. The MongoDB store (and mongoose with it) is loaded only when
 * MONGODB_URI is set: a process on the embedded store would otherwise carry it in memory for nothing
 * (about 5–10 MB of RSS, see docs/performance.md benchmark 5).
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  if (options.mongodbUri) {
    const { createMongoStore } = await import('./mongo/mongo-store.js');
    return createMongoStore({ uri: options.mongodbUri, cipher: options.cipher });
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  return createSqliteStore({ file: path.join(options.dataDir, SQLITE_FILE_NAME), cipher: options.cipher });
}
