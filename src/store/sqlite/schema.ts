/**
 * The SQLite file's schema. Each entry of MIGRATIONS moves the file one version forward; the version
 * reached is kept in `PRAGMA user_version`, so a later release appends an entry and never edits one.
 */
import Database from 'better-sqlite3';

/** Version 1: every table of the store contract. Dates are ISO-8601 text, JSON is text, sealed fields are cipher text. */
const V1 = `
CREATE TABLE IF NOT EXISTS contacts (
  id TEXT PRIMARY KEY,
  locale TEXT,
  display_name TEXT,
  consent TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- A contact channel must belong to a real contact; other contactId columns are plain references,
-- as in the MongoDB store, so both stores accept the same inputs.
CREATE TABLE IF NOT EXISTS contact_channels (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (channel, address)
);
CREATE INDEX IF NOT EXISTS contact_channels_contact ON contact_channels (contact_id);

CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  external_id TEXT NOT NULL,
  contact_id TEXT,
  status TEXT NOT NULL,
  locale TEXT,
  state TEXT,
  reference TEXT,
  token_hash TEXT,
  token_expires_at TEXT,
  processed_seq INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (channel, external_id)
);
CREATE INDEX IF NOT EXISTS conversations_token_hash ON conversations (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX IF NOT EXISTS conversations_status_created ON conversations (status, created_at);

CREATE TABLE IF NOT EXISTS messages (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  direction TEXT NOT NULL,
  author TEXT NOT NULL,
  activity TEXT NOT NULL,
  dedupe_key TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_dedupe ON messages (conversation_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS support_requests (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  contact_id TEXT NOT NULL,
  conversation_id TEXT,
  status TEXT NOT NULL,
  answers TEXT NOT NULL,
  declaration TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  submitted_at TEXT
);
CREATE INDEX IF NOT EXISTS support_requests_contact ON support_requests (contact_id, created_at);
CREATE INDEX IF NOT EXISTS support_requests_status ON support_requests (status, created_at);

CREATE TABLE IF NOT EXISTS handoffs (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  contact_id TEXT,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  assignee_id TEXT,
  created_at TEXT NOT NULL,
  claimed_at TEXT,
  resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS handoffs_conversation ON handoffs (conversation_id, status);
CREATE INDEX IF NOT EXISTS handoffs_status_created ON handoffs (status, created_at);

-- NULL contact ids never collide in SQLite's UNIQUE; the MongoDB index is partial to match.
CREATE TABLE IF NOT EXISTS survey_responses (
  id TEXT PRIMARY KEY,
  contact_id TEXT,
  conversation_id TEXT NOT NULL,
  milestone TEXT NOT NULL,
  channel TEXT NOT NULL,
  staff_id TEXT,
  rating INTEGER,
  comment TEXT,
  sent_at TEXT NOT NULL,
  answered_at TEXT,
  UNIQUE (contact_id, milestone)
);

CREATE TABLE IF NOT EXISTS staff_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  display_name TEXT NOT NULL,
  active INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_events (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_events_subject ON audit_events (subject_type, subject_id, at);
CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, at);

CREATE TABLE IF NOT EXISTS counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/**
 * Version 2: support requests keep their channel, applicant keys, documents (sealed JSON) and the last
 * status note (sealed). Rows from version 1 read as no channel, no keys and no documents: their
 * `documents` column is NULL, which the repository reads as an empty list (sealing needs the data
 * key, which SQL does not have).
 *
 * `support_request_keys` is the index behind `findOpenByApplicantKeys`: one row per (request, key),
 * kept in step with the `applicant_keys` JSON column inside the transaction that writes the request.
 *
 * References are now random (`NNNN-NNNN`, retried on a clash) instead of numbered per year, so the
 * counters that numbered them are dropped; references already given keep working as they are.
 */
const V2 = `
ALTER TABLE support_requests ADD COLUMN channel TEXT;
ALTER TABLE support_requests ADD COLUMN applicant_keys TEXT NOT NULL DEFAULT '[]';
ALTER TABLE support_requests ADD COLUMN documents TEXT;
ALTER TABLE support_requests ADD COLUMN documents_completed_at TEXT;
ALTER TABLE support_requests ADD COLUMN status_note TEXT;

CREATE TABLE IF NOT EXISTS support_request_keys (
  request_id TEXT NOT NULL REFERENCES support_requests(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  PRIMARY KEY (request_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS support_request_keys_key ON support_request_keys (key);

DROP TABLE IF EXISTS counters;
`;

/**
 * Version 3: outgoing messages keep their delivery state (pending, sent, delivered, read, failed),
 * when it was reached, the platform's id for the message and a short error code. Messages from
 * version 2 read as never recorded (delivery null).
 *
 * `messages_platform_id` serves `findByPlatformId`: a platform's status report names the message by
 * its own id only (a WhatsApp wamid), so the lookup must not scan the transcript.
 */
const V3 = `
ALTER TABLE messages ADD COLUMN delivery_state TEXT;
ALTER TABLE messages ADD COLUMN delivery_at TEXT;
ALTER TABLE messages ADD COLUMN platform_id TEXT;
ALTER TABLE messages ADD COLUMN delivery_error TEXT;

CREATE INDEX IF NOT EXISTS messages_platform_id ON messages (platform_id) WHERE platform_id IS NOT NULL;
`;

/**
 * Version 4: contacts keep what the bot may send them on its own (surveys, reminders), both on by
 * default, so contacts from version 3 read as having stopped nothing. Survey responses keep a
 * supervisor's follow-up of a low rating: its state (NULL: none opened), when it was opened, who
 * closed it and when, and the closing note (sealed). Rows from version 3 read as no follow-up.
 *
 * The indexes serve the satisfaction report and the console badge: surveys sent in a period, and
 * the open (or done) follow-ups. The second is partial, as most surveys never get a follow-up.
 */
const V4 = `
ALTER TABLE contacts ADD COLUMN prefers_surveys INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN prefers_reminders INTEGER NOT NULL DEFAULT 1;

ALTER TABLE survey_responses ADD COLUMN follow_up_state TEXT;
ALTER TABLE survey_responses ADD COLUMN follow_up_opened_at TEXT;
ALTER TABLE survey_responses ADD COLUMN follow_up_done_by TEXT;
ALTER TABLE survey_responses ADD COLUMN follow_up_done_at TEXT;
ALTER TABLE survey_responses ADD COLUMN follow_up_note TEXT;

CREATE INDEX IF NOT EXISTS survey_responses_sent_at ON survey_responses (sent_at);
CREATE INDEX IF NOT EXISTS survey_responses_follow_up ON survey_responses (follow_up_state, sent_at) WHERE follow_up_state IS NOT NULL;
`;

/**
 * Version 5: bookings (interviews and callbacks in a day's time window), volunteers and feedback
 * (suggestions and complaints). Sealed columns: a booking's phone and staff note; a volunteer's name,
 * phone, field details and staff note; feedback's text and reply.
 *
 * The booking's window column is `time_window` because WINDOW is an SQL keyword. Capacity is not
 * stored: `reserve` and `move` count the active bookings of the window inside an IMMEDIATE
 * transaction and write only when there is room, which `bookings_slot` makes an index lookup.
 * References are unique per table, drawn like a request's.
 */
const V5 = `
CREATE TABLE IF NOT EXISTS bookings (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  contact_id TEXT,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  day TEXT NOT NULL,
  time_window TEXT NOT NULL,
  status TEXT NOT NULL,
  phone TEXT,
  staff_note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS bookings_reference ON bookings (reference);
CREATE INDEX IF NOT EXISTS bookings_slot ON bookings (day, time_window, status);

CREATE TABLE IF NOT EXISTS volunteers (
  id TEXT PRIMARY KEY,
  contact_id TEXT,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  city TEXT NOT NULL,
  field TEXT NOT NULL,
  field_details TEXT,
  availability TEXT NOT NULL,
  status TEXT NOT NULL,
  staff_note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS volunteers_status_created ON volunteers (status, created_at);

CREATE TABLE IF NOT EXISTS feedback (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  contact_id TEXT,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  text TEXT NOT NULL,
  status TEXT NOT NULL,
  reply TEXT,
  replied_by TEXT,
  replied_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS feedback_reference ON feedback (reference);
CREATE INDEX IF NOT EXISTS feedback_kind_status_created ON feedback (kind, status, created_at);
`;

/**
 * Version 6: a message remembers when its contents were erased (by the beneficiary's request or by
 * the retention purge), so the daily purge finds the messages still to erase from an index instead
 * of opening every sealed activity. Messages erased before version 6 read as not erased; erasing
 * them again changes nothing.
 */
const V6 = `
ALTER TABLE messages ADD COLUMN erased_at TEXT;

CREATE INDEX IF NOT EXISTS messages_unerased_created ON messages (created_at) WHERE erased_at IS NULL;
`;

/**
 * Version 7: conversations by when they last changed, so the turn sweeper (messages stored but never
 * run) looks only at recent conversations instead of scanning them all every few seconds.
 */
const V7 = `
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at);
`;

/**
 * Version 8: a conversation remembers when its beneficiary's data was erased, so a message queued
 * for it before then and still in flight during the erasure is dropped, not sent. Conversations of
 * earlier versions read as never erased.
 */
const V8 = `
ALTER TABLE conversations ADD COLUMN erased_at TEXT;
`;

const MIGRATIONS: readonly string[] = [V1, V2, V3, V4, V5, V6, V7, V8];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens the file with settings that let several processes share it: WAL so readers never block the
 * writer, and a busy timeout so a writer waits for another process's transaction instead of failing.
 * `secure_delete` overwrites deleted and rewritten content with zeros, so what erasure and retention
 * remove does not linger in free pages of the file (once the WAL is checkpointed).
 */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Brings the file up to SCHEMA_VERSION. The IMMEDIATE transaction takes the write lock before reading
 * the version, so two processes starting together run each migration once.
 */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > SCHEMA_VERSION) {
      throw new Error(`the database schema is version ${current}, newer than this build's ${SCHEMA_VERSION}`);
    }
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    // PRAGMA does not take bound parameters; the value is this module's own integer.
    if (current < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
