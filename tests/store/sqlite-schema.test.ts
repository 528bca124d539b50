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
const V3_DDL = fileURLToPath(new URL('./fixtures/schema-v3.sql', import.meta.url));
const V4_DDL = fileURLToPath(new URL('./fixtures/schema-v4.sql', import.meta.url));
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

  /** A file as release 3 left it: one contact and one answered survey with a low rating, from before preferences and follow-ups. */
  function versionThreeFile(): { file: string; contactId: string; surveyId: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-schema-'));
    dirs.push(dir);
    const file = path.join(dir, 'injab.sqlite');
    const contactId = crypto.randomUUID();
    const surveyId = crypto.randomUUID();
    const db = new Database(file);
    db.exec(fs.readFileSync(V3_DDL, 'utf8'));
    db.pragma('user_version = 3');
    db.prepare(
      `INSERT INTO contacts (id, locale, display_name, consent, created_at, updated_at)
       VALUES (?, 'ar', ?, NULL, '2026-01-10T08:00:00.000Z', '2026-01-10T08:00:00.000Z')`,
    ).run(contactId, cipher.seal('أم محمد'));
    db.prepare(
      `INSERT INTO survey_responses (id, contact_id, conversation_id, milestone, channel, staff_id, rating, comment, sent_at, answered_at)
       VALUES (?, ?, 'conv-1', 'handoff:1', 'telegram', 'staff-1', 2, ?, '2026-01-10T09:00:00.000Z', '2026-01-10T09:05:00.000Z')`,
    ).run(surveyId, contactId, cipher.seal('لم يرد أحد'));
    db.close();
    return { file, contactId, surveyId };
  }

  it('opens a version 3 file: contacts read with surveys and reminders on, surveys with no follow-up', async () => {
    const { file, contactId, surveyId } = versionThreeFile();
    const store = openStore(file);
    expect(await store.contacts.get(contactId)).toMatchObject({ displayName: 'أم محمد', preferences: { surveys: true, reminders: true } });
    expect(await store.surveys.get(surveyId)).toMatchObject({ rating: 2, comment: 'لم يرد أحد', followUp: null });
    expect(await store.surveys.list({ followUp: 'open' })).toEqual([]);
    expect(await store.surveys.count({ since: new Date('2026-01-10T00:00:00Z'), milestone: 'handoff:1' })).toBe(1);
  });

  it('gives migrated contacts and surveys the new fields on update', async () => {
    const { file, contactId, surveyId } = versionThreeFile();
    const store = openStore(file);
    const contact = await store.contacts.update(contactId, { preferences: { surveys: false, reminders: true } });
    expect(contact).toMatchObject({ displayName: 'أم محمد', preferences: { surveys: false, reminders: true } });
    const followUp = { state: 'open' as const, openedAt: new Date('2026-01-10T09:05:00.000Z'), doneBy: null, doneAt: null, note: null };
    const survey = await store.surveys.update(surveyId, { followUp });
    expect(survey).toMatchObject({ comment: 'لم يرد أحد', followUp });
    expect(await store.surveys.list({ followUp: 'open' })).toEqual([survey]);
    expect(await store.contacts.get(contactId)).toEqual(contact);
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
    // A conversation from before erasures were marked (version 8) reads as never erased.
    expect((await store.conversations.get('conv-1'))?.erasedAt).toBeNull();
  });

  it('answers the report and badge queries from the survey indexes', async () => {
    const { file } = versionThreeFile();
    await openStore(file).close();
    const raw = new Database(file, { readonly: true });
    try {
      const plan = (sql: string) =>
        raw
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all('x')
          .map((step) => JSON.stringify(step))
          .join('\n');
      expect(plan('SELECT COUNT(*) FROM survey_responses WHERE follow_up_state = ?')).toContain('survey_responses_follow_up');
      expect(plan('SELECT * FROM survey_responses WHERE sent_at >= ? ORDER BY sent_at DESC')).toContain('survey_responses_sent_at');
    } finally {
      raw.close();
    }
  });

  /** A file as release 4 left it: a contact who stopped surveys, and a survey with an open follow-up; no bookings, volunteers or feedback. */
  function versionFourFile(): { file: string; contactId: string; surveyId: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-schema-'));
    dirs.push(dir);
    const file = path.join(dir, 'injab.sqlite');
    const contactId = crypto.randomUUID();
    const surveyId = crypto.randomUUID();
    const db = new Database(file);
    db.exec(fs.readFileSync(V4_DDL, 'utf8'));
    db.pragma('user_version = 4');
    db.prepare(
      `INSERT INTO contacts (id, locale, display_name, consent, created_at, updated_at, prefers_surveys, prefers_reminders)
       VALUES (?, 'ar', ?, NULL, '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z', 0, 1)`,
    ).run(contactId, cipher.seal('أبو خالد'));
    db.prepare(
      `INSERT INTO survey_responses (id, contact_id, conversation_id, milestone, channel, staff_id, rating, comment, sent_at, answered_at,
                                     follow_up_state, follow_up_opened_at, follow_up_done_by, follow_up_done_at, follow_up_note)
       VALUES (?, ?, 'conv-1', 'handoff:1', 'whatsapp', 'staff-1', 1, NULL, '2026-03-01T09:00:00.000Z', '2026-03-01T09:05:00.000Z',
               'open', '2026-03-01T09:05:00.000Z', NULL, NULL, NULL)`,
    ).run(surveyId, contactId);
    db.close();
    return { file, contactId, surveyId };
  }

  it('opens a version 4 file: its records read as before, and bookings, volunteers and feedback start empty', async () => {
    const { file, contactId, surveyId } = versionFourFile();
    const store = openStore(file);
    expect(await store.contacts.get(contactId)).toMatchObject({ displayName: 'أبو خالد', preferences: { surveys: false, reminders: true } });
    expect(await store.surveys.get(surveyId)).toMatchObject({ rating: 1, followUp: { state: 'open', doneBy: null } });
    expect(await store.bookings.list({})).toEqual([]);
    expect(await store.bookings.countActive('2026-05-03')).toEqual({});
    expect(await store.volunteers.count({})).toBe(0);
    expect(await store.feedback.count({})).toBe(0);

    const input = { contactId, conversationId: 'conv-1', channel: 'whatsapp', kind: 'callback' as const, day: '2026-05-03', window: '0900-1100', phone: '+966500000001' };
    const booking = await store.bookings.reserve(input, 1);
    expect(booking?.reference).toMatch(REQUEST_REFERENCE_PATTERN);
    expect(await store.bookings.reserve(input, 1)).toBeNull();
    const volunteer = await store.volunteers.create({
      contactId,
      conversationId: 'conv-1',
      channel: 'whatsapp',
      name: 'أبو خالد',
      phone: '+966500000001',
      city: 'khobar',
      field: 'social',
      fieldDetails: null,
      availability: 'weekends',
    });
    const feedback = await store.feedback.create({ contactId, conversationId: 'conv-1', channel: 'whatsapp', kind: 'suggestion', category: 'digital', text: 'تطبيق' });
    await store.close();

    const reopened = openStore(file);
    expect(await reopened.bookings.get(booking?.id ?? '')).toEqual(booking);
    expect(await reopened.volunteers.get(volunteer.id)).toEqual(volunteer);
    expect(await reopened.feedback.getByReference(feedback.reference)).toEqual(feedback);
  });

  it('adds the version 5 tables and indexes to a version 4 file, and answers the busy queries from them', async () => {
    const { file } = versionFourFile();
    await openStore(file).close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['bookings', 'volunteers', 'feedback']));
      const indexes = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all();
      expect(indexes).toEqual(
        expect.arrayContaining(['bookings_reference', 'bookings_slot', 'feedback_reference', 'feedback_kind_status_created', 'volunteers_status_created']),
      );
      const unique = (index: string) => raw.prepare(`SELECT "unique" FROM pragma_index_list(?) WHERE name = ?`).pluck().get(index.split('_')[0], index);
      expect(unique('bookings_reference')).toBe(1);
      expect(unique('feedback_reference')).toBe(1);

      const plan = (sql: string, ...params: unknown[]) =>
        raw
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((step) => JSON.stringify(step))
          .join('\n');
      expect(plan(`SELECT COUNT(*) FROM bookings WHERE day = ? AND time_window = ? AND status IN ('requested', 'confirmed')`, 'd', 'w')).toContain('bookings_slot');
      expect(plan('SELECT * FROM bookings WHERE reference = ?', 'r')).toContain('bookings_reference');
      expect(plan('SELECT * FROM feedback WHERE reference = ?', 'r')).toContain('feedback_reference');
      expect(plan('SELECT COUNT(*) FROM feedback WHERE kind = ? AND status = ?', 'k', 's')).toContain('feedback_kind_status_created');
      expect(plan('SELECT * FROM volunteers WHERE status = ? ORDER BY created_at DESC', 's')).toContain('volunteers_status_created');
    } finally {
      raw.close();
    }
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
      expect(indexes).toEqual(expect.arrayContaining(['survey_responses_sent_at', 'survey_responses_follow_up']));
    } finally {
      raw.close();
    }
    const reopened = openStore(file);
    expect(await reopened.supportRequests.getByReference('INJ-2025-000001')).not.toBeNull();
  });
});
