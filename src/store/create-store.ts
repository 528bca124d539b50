import fs from 'node:fs';
import path from 'node:path';
import type { Cipher } from '../security/cipher.js';
import { createMongoStore } from './mongo/mongo-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export type CreateStoreOptions = {
  /** MongoDB when set; otherwise the embedded SQLite file, so a single machine needs no database server. */
  mongodbUri: string | undefined;
  dataDir: string;
  cipher: Cipher;
};

export const SQLITE_FILE_NAME = 'injab.sqlite';

export async function createStore(options: CreateStoreOptions): Promise<Store> {
  if (options.mongodbUri) return createMongoStore({ uri: options.mongodbUri, cipher: options.cipher });
  fs.mkdirSync(options.dataDir, { recursive: true });
  return createSqliteStore({ file: path.join(options.dataDir, SQLITE_FILE_NAME), cipher: options.cipher });
}
