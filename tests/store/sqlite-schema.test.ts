import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { REQUEST_REFERENCE_PATTERN } from '../../src/store/record-values.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';

const V1_DDL = fileURLToPath(new URL('./fixtures/schema-v1.sql', import.meta.url));
const cipher = createCipher(crypto.randomBytes(32));
const APPLICANT_KEY = crypto.createHash('sha256').update('applicant').digest('hex');

describe('SQLite schema migration', () => {
  const dirs: string[] = [];
  const open: Store[] = [];
  const openStore = (file: string): Store => {
    const store = createSqliteStore({ file, cipher });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A file as release 1 left it: its schema, one support request numbered from the counters, and the counter. */
  function versionOneFile(): { file: string; requestId: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-schema-'));
    dirs.push(dir);
    const file = path.join(dir, 'injab.sqlite');
    const requestId = crypto.randomUUID();
    const db = new Database(file);
    db.exec(fs.readFileSync(V1_DDL, 'utf8'));
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO support_requests (id, reference, contact_id, conversation_id, status, answers, declaration, created_at, updated_at, submitted_at)
       VALUES (?, 'INJ-2025-000001', 'contact-1', NULL, 'submitted', ?, NULL, '2025-11-02T09:00:00.000Z', '2025-11-02T09:00:00.000Z', '2025-11-02T09:00:00.000Z')`,
    ).run(requestId, cipher.sealJson({ city: 'الخبر' }));
    db.prepare(`INSERT INTO counters (name, value) VALUES ('support_request_reference:2025', 1)`).run();
    db.close();
    return { file, requestId };
  }

  it('opens a version 1 file and reads its requests with no channel, keys, documents or note', async () => {
    const { file, requestId } = versionOneFile();
    const store = openStore(file);
    expect(await store.supportRequests.getByReference('INJ-2025-000001')).toMatchObject({
      id: requestId,
      status: 'submitted',
      answers: { city: 'الخبر' },
      channel: null,
      applicantKeys: [],
      documents: [],
      documentsCompletedAt: null,
      statusNote: null,
    });
    expect(await store.supportRequests.findOpenByApplicantKeys([APPLICANT_KEY])).toBeNull();
  });

  it('gives a migrated request the new fields on update and finds it by applicant key', async () => {
    const { file, requestId } = versionOneFile();
    const store = openStore(file);
    const receivedAt = new Date('2026-01-05T10:00:00Z');
    const updated = await store.supportRequests.update(requestId, {
      channel: 'webchat',
      applicantKeys: [APPLICANT_KEY],
      documents: [{ kind: 'id_copies', fileId: 'f'.repeat(32), name: 'id.pdf', contentType: 'application/pdf', size: 10, receivedAt }],
      documentsCompletedAt: receivedAt,
      statusNote: 'بانتظار المراجعة',
      status: 'under_review',
    });
    expect(await store.supportRequests.get(requestId)).toEqual(updated);
    expect(await store.supportRequests.findOpenByApplicantKeys([APPLICANT_KEY])).toEqual(updated);
  });

  it('creates new requests with random references beside the old numbered ones', async () => {
    const { file } = versionOneFile();
    const store = openStore(file);
    const created = await store.supportRequests.create({
      contactId: 'contact-2',
      conversationId: null,
      channel: 'telegram',
      status: 'submitted',
      answers: {},
      applicantKeys: [APPLICANT_KEY],
      declaration: null,
      submittedAt: new Date(),
    });
    expect(created.reference).toMatch(REQUEST_REFERENCE_PATTERN);
    expect(await store.supportRequests.list({})).toHaveLength(2);
  });

  it('reads messages written before delivery was recorded as having none, and records it from then on', async () => {
    const { file } = versionOneFile();
    const db = new Database(file);
    db.prepare(
      `INSERT INTO conversations (id, channel, external_id, status, last_seq, created_at, updated_at)
       VALUES ('conv-1', 'whatsapp', '966500000001', 'bot', 1, '2025-11-02T09:00:00.000Z', '2025-11-02T09:00:00.000Z')`,
    ).run();
    db.prepare(
      `INSERT INTO messages (conversation_id, seq, direction, author, activity, dedupe_key, created_at)
       VALUES ('conv-1', 1, 'outgoing', '{"kind":"bot"}', ?, NULL, '2025-11-02T09:00:01.000Z')`,
    ).run(cipher.sealJson({ type: 'message', text: 'أهلًا' }));
    db.close();

    const store = openStore(file);
    const [old] = await store.messages.list('conv-1');
    expect(old).toMatchObject({ seq: 1, direction: 'outgoing', activity: { text: 'أهلًا' }, delivery: null });
    await store.messages.setDelivery('conv-1', 1, { state: 'sent', at: new Date(), platformId: 'wamid.old', error: null });
    expect(await store.messages.findByPlatformId('whatsapp', 'wamid.old')).toMatchObject({ seq: 1, delivery: { state: 'sent' } });
  });

  it('records the new version, drops the reference counters, and reopens without migrating again', async () => {
    const { file } = versionOneFile();
    await openStore(file).close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
      expect(tables).toContain('support_request_keys');
      expect(tables).not.toContain('counters');
      const indexes = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all();
      expect(indexes).toContain('messages_platform_id');
    } finally {
      raw.close();
    }
    const reopened = openStore(file);
    expect(await reopened.supportRequests.getByReference('INJ-2025-000001')).not.toBeNull();
  });
});
