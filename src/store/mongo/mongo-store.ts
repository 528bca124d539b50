/**
 * The production store: MongoDB through mongoose. It uses its own connection (not mongoose's global
 * default), so tests and tools can open several stores side by side.
 */
import mongoose from 'mongoose';
import type { Cipher } from '../../security/cipher.js';
import { forgettingAfter, forgettingErasures, withOpenCache } from '../../security/open-cache.js';
import type { Store } from '../types.js';
import {
  createAuditRepository,
  createHandoffRepository,
  createStaffRepository,
  createSupportRequestRepository,
  createSurveyRepository,
} from './case-repositories.js';
import { createBookingRepository } from './booking-repository.js';
import { createContactRepository, createConversationRepository, createMessageRepository } from './conversation-repositories.js';
import { createFeedbackRepository, createVolunteerRepository } from './engagement-repositories.js';
import { createGridFsFileRepository } from './gridfs-files.js';
import { createModels } from './models.js';
import { createMongoRetention } from './retention.js';
import { purgeExpired } from '../retention.js';

export type MongoStoreOptions = { uri: string; cipher: Cipher };

export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const connection = await mongoose.createConnection(options.uri).asPromise();
  const models = createModels(connection);
  const db = connection.db;
  if (!db) {
    await connection.close();
    throw new Error('MongoDB connection opened without a database');
  }
  try {
    // Build the unique indexes before the first write: the contract (dedupe, conflicts) depends on them.
    await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  } catch (error) {
    await connection.close();
    throw error;
  }
  const cache = withOpenCache(options.cipher);
  const ctx = { models, cipher: cache };
  const files = createGridFsFileRepository(db, options.cipher);
  const retention = createMongoRetention(ctx);
  return {
    kind: 'mongo',
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
      const current = connection.db;
      if (!current) throw new Error('MongoDB connection is not open');
      await current.admin().ping();
    },
    async close() {
      await connection.close();
    },
  };
}
