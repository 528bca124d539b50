/**
 * The embedded store: one SQLite file, used when MONGODB_URI is unset. better-sqlite3 is synchronous;
 * the repositories still return Promises so callers cannot tell the two stores apart. Files live in a
 * `files` folder beside the database file, so one data folder holds everything to back up.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cipher } from '../../security/cipher.js';
import { forgettingAfter, forgettingErasures, withOpenCache } from '../../security/open-cache.js';
import { purgeExpired } from '../retention.js';
import type { Store } from '../types.js';
import { createAuditRepository } from './audit.js';
import { createBookingRepository } from './bookings.js';
import { createContactRepository } from './contacts.js';
import { createConversationRepository } from './conversations.js';
import { createDiskFileRepository } from './disk-files.js';
import { createFeedbackRepository } from './feedback.js';
import { createHandoffRepository } from './handoffs.js';
import { createMessageRepository } from './messages.js';
import { createSqliteRetention } from './retention.js';
import { createContext } from './rows.js';
import { migrate, openDatabase } from './schema.js';
import { createStaffRepository } from './staff.js';
import { createSupportRequestRepository } from './support-requests.js';
import { createSurveyRepository } from './surveys.js';
import { createVolunteerRepository } from './volunteers.js';

export type SqliteStoreOptions = {
  /**
   * Path of the database file, or `:memory:` for a private in-memory database (whose files then go
   * to a private temporary folder, removed on close).
   */
  file: string;
  cipher: Cipher;
};

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = openDatabase(options.file);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  // Rows read back what was sealed moments before (see withOpenCache); files are not cached.
  const cache = withOpenCache(options.cipher);
  const ctx = createContext(db, cache);
  const inMemory = options.file === ':memory:' || options.file === '';
  const filesDir = inMemory
    ? path.join(os.tmpdir(), `injab-files-${crypto.randomBytes(8).toString('hex')}`)
    : path.join(path.dirname(path.resolve(options.file)), 'files');
  const files = createDiskFileRepository(filesDir, options.cipher);
  const retention = createSqliteRetention(ctx);
  return {
    kind: 'sqlite',
    contacts: createContactRepository(ctx),
    conversations: createConversationRepository(ctx),
    // What an erasure or the purge erased leaves the open cache with it.
    messages: forgettingErasures(cache, createMessageRepository(ctx), 'eraseConversation'),
    supportRequests: createSupportRequestRepository(ctx),
    handoffs: createHandoffRepository(ctx),
    surveys: createSurveyRepository(ctx),
    staff: createStaffRepository(ctx),
    audit: createAuditRepository(ctx),
    files,
    bookings: createBookingRepository(ctx),
    volunteers: forgettingErasures(cache, createVolunteerRepository(ctx), 'eraseByContact'),
    feedback: forgettingErasures(cache, createFeedbackRepository(ctx), 'eraseByContact'),
    purgeExpired: forgettingAfter(cache, (limits, now) => purgeExpired(retention, files, limits, now)),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      // Closing twice is harmless, so shutdown paths need not track who closed first.
      if (db.open) db.close();
      if (inMemory) fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
