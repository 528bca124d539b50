import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { createStore } from '../../src/store/create-store.js';

describe('createStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens a SQLite file in the data directory, creating the directory, when no MongoDB URI is set', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-create-store-'));
    dirs.push(root);
    const dataDir = path.join(root, 'nested', 'data');
    const store = await createStore({ mongodbUri: undefined, dataDir, cipher: createCipher(crypto.randomBytes(32)) });
    try {
      expect(store.kind).toBe('sqlite');
      await store.ping();
      expect(fs.existsSync(path.join(dataDir, 'injab.sqlite'))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
