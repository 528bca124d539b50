import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { eraseContactData } from '../../src/privacy/erase.js';
import { createCipher } from '../../src/security/cipher.js';
import { openDatabase } from '../../src/store/sqlite/schema.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { NATIONAL_ID } from './contract/helpers.js';

const cipher = createCipher(crypto.randomBytes(32));
const tempDirs: string[] = [];
const open: Store[] = [];

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-retention-'));
  tempDirs.push(dir);
  return path.join(dir, 'injab.sqlite');
}

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Moves everything in the WAL into the database file and empties the WAL, as a checkpoint at close would. */
function checkpoint(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The database file and its WAL, as bytes (the WAL may be absent). */
function fileBytes(file: string): Buffer[] {
  return [file, `${file}-wal`].filter((name) => fs.existsSync(name)).map((name) => fs.readFileSync(name));
}

describe('SQLite secure delete', () => {
  it('is on for every connection the store opens', () => {
    const db = openDatabase(tempFile());
    try {
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('leaves nothing of an erased request in the file or the WAL: no plain ID, no earlier ciphertext', async () => {
    const file = tempFile();
    const store = createSqliteStore({ file, cipher });
    open.push(store);
    const contact = await store.contacts.create({ locale: 'ar', displayName: 'خالد' });
    const conversation = await store.conversations.create({ channel: 'telegram', externalId: 'c', contactId: contact.id });
    await store.conversations.update(conversation.id, { state: { frame: { data: { nationalId: NATIONAL_ID } } } });
    await store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: NATIONAL_ID } });
    // Neighbours on the same pages, so the erased values' space is freed in place rather than rebuilt.
    for (let i = 0; i < 6; i += 1) {
      const other = await store.conversations.create({ channel: 'telegram', externalId: `other-${i}`, contactId: 'someone-else' });
      await store.messages.append(other.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: 'hello' } });
    }
    const request = await store.supportRequests.create({
      contactId: contact.id,
      conversationId: conversation.id,
      channel: 'telegram',
      status: 'submitted',
      answers: { nationalId: NATIONAL_ID, city: 'dammam' },
      applicantKeys: ['ab'.repeat(32)],
      declaration: null,
      submittedAt: new Date(),
    });
    for (let i = 0; i < 6; i += 1) {
      await store.supportRequests.create({ contactId: 'someone-else', conversationId: null, channel: 'telegram', status: 'submitted', answers: { city: 'khobar' }, applicantKeys: [], declaration: null, submittedAt: null });
    }

    const raw = new Database(file, { readonly: true });
    const sealed = [
      raw.prepare('SELECT answers FROM support_requests WHERE id = ?').pluck().get(request.id),
      raw.prepare('SELECT activity FROM messages').pluck().get(),
      raw.prepare('SELECT state FROM conversations').pluck().get(),
      raw.prepare('SELECT display_name FROM contacts').pluck().get(),
    ];
    raw.close();
    // A stretch of each ciphertext's body (past the shared `v2.<kid>.` head) is what a lingering copy would show.
    const fragments = sealed.map((value) => {
      expect(value).toEqual(expect.stringMatching(/^v2\./));
      return String(value).slice(-40);
    });
    checkpoint(file);
    // The check can see them: before erasure every ciphertext is in the database file.
    const before = fs.readFileSync(file);
    for (const fragment of fragments) expect(before.includes(fragment)).toBe(true);

    await eraseContactData(store, contact.id);
    checkpoint(file);

    const after = fileBytes(file);
    expect(after.length).toBeGreaterThan(0);
    for (const bytes of after) {
      expect(bytes.includes(NATIONAL_ID)).toBe(false);
      for (const fragment of fragments) expect(bytes.includes(fragment)).toBe(false);
    }
    expect(await store.supportRequests.get(request.id)).toMatchObject({ status: 'withdrawn', answers: {} });
  });

  it('is what makes the difference: without it an overwritten value stays in the file', () => {
    const secret = `plain ${NATIONAL_ID} value`;
    const lingers = (secureDelete: boolean): boolean => {
      const file = tempFile();
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT)');
      for (const value of ['before', secret, 'after']) db.prepare('INSERT INTO t (value) VALUES (?)').run(value);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.prepare('UPDATE t SET value = ? WHERE id = 2').run('x');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      // The digits, not the whole value: a freed cell's first bytes become the free-block header.
      return fileBytes(file).some((bytes) => bytes.includes(NATIONAL_ID));
    };
    expect(lingers(false)).toBe(true);
    expect(lingers(true)).toBe(false);
  });
});

describe('SQLite retention schema', () => {
  it('marks erased messages and finds the ones left to erase from an index', async () => {
    const file = tempFile();
    const store = createSqliteStore({ file, cipher });
    open.push(store);
    const conversation = await store.conversations.create({ channel: 'telegram', externalId: 'c' });
    await store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: 'x' } });
    await store.messages.eraseConversation(conversation.id);

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT erased_at FROM messages').pluck().get()).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      const plan = raw
        .prepare('EXPLAIN QUERY PLAN SELECT conversation_id, seq, activity FROM messages WHERE erased_at IS NULL AND created_at < ? ORDER BY created_at LIMIT 500')
        .all('2026-01-01')
        .map((step) => JSON.stringify(step))
        .join('\n');
      expect(plan).toContain('messages_unerased_created');
    } finally {
      raw.close();
    }
  });
});
