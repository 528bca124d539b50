import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { describe, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { createMongoStore } from '../../src/store/mongo/mongo-store.js';
import { describeStoreContract } from './store-contract.js';

const uri = process.env['MONGODB_URI'];

/**
 * The same URI with its database replaced by `name`, so each test works in a database of its own
 * and dropping it afterwards cannot touch anything else. Works for multi-host and +srv URIs.
 */
function withDatabase(base: string, name: string): string {
  const [address = '', query] = base.split('?', 2);
  const hostsStart = address.indexOf('://') + 3;
  const slash = address.indexOf('/', hostsStart);
  const hosts = slash === -1 ? address : address.slice(0, slash);
  return `${hosts}/${name}${query === undefined ? '' : `?${query}`}`;
}

if (uri) {
  const cipher = createCipher(crypto.randomBytes(32));
  const databases: string[] = [];
  const makeStore = () => {
    const name = `injab_contract_${crypto.randomUUID().replaceAll('-', '')}`;
    databases.push(name);
    return createMongoStore({ uri: withDatabase(uri, name), cipher });
  };
  const dropDatabases = async () => {
    for (const name of databases.splice(0)) {
      const connection = await mongoose.createConnection(withDatabase(uri, name)).asPromise();
      await connection.dropDatabase();
      await connection.close();
    }
  };
  describeStoreContract('MongoDB', makeStore, dropDatabases);
} else {
  console.log('MongoDB store contract skipped: MONGODB_URI is not set');
  describe.skip('MongoDB store contract', () => {
    it.skip('runs only when MONGODB_URI is set', () => {});
  });
}
