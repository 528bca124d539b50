import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cipherFromConfig } from '../../src/security/cipher.js';
import { createStore } from '../../src/store/create-store.js';

/**
 * Creates the conversations a broadcast goes to, in a fresh data folder, before the bot starts on
 * it (the bot opens the same SQLite file and `data.key`). They are made with the store's own
 * `conversations.create`, as the first inbound message would make them, but without a message:
 * on WhatsApp the 24-hour window is then closed, so the bot sends the configured template — as it
 * would to beneficiaries who last wrote days ago.
 */
export async function createRecipients(channels: { channel: string; externalIds: string[] }[]): Promise<{ dataDir: string; ids: Map<string, string[]> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `injab-bench-${crypto.randomBytes(3).toString('hex')}-`));
  const { cipher } = cipherFromConfig({ dataKey: undefined, dataKeysPrevious: [], dataDir });
  const store = await createStore({ mongodbUri: undefined, dataDir, cipher });
  const ids = new Map<string, string[]>();
  try {
    for (const { channel, externalIds } of channels) {
      const list: string[] = [];
      for (const externalId of externalIds) list.push((await store.conversations.create({ channel, externalId })).id);
      ids.set(channel, list);
    }
  } finally {
    await store.close();
  }
  return { dataDir, ids };
}
