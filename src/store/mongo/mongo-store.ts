/**
 * The production store: MongoDB through mongoose. It uses its own connection (not mongoose's global
 * default), so tests and tools can open several stores side by side.
 */
import mongoose from 'mongoose';
import type { Cipher } from '../../security/cipher.js';
import type { Store } from '../types.js';
import {
  createAuditRepository,
  createHandoffRepository,
  createStaffRepository,
  createSupportRequestRepository,
  createSurveyRepository,
} from './case-repositories.js';
import { createContactRepository, createConversationRepository, createMessageRepository } from './conversation-repositories.js';
import { createModels } from './models.js';

export type MongoStoreOptions = { uri: string; cipher: Cipher };

export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const connection = await mongoose.createConnection(options.uri).asPromise();
  const models = createModels(connection);
  try {
    // Build the unique indexes before the first write: the contract (dedupe, conflicts) depends on them.
    await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  } catch (error) {
    await connection.close();
    throw error;
  }
  const ctx = { models, cipher: options.cipher };
  return {
    kind: 'mongo',
    contacts: createContactRepository(ctx),
    conversations: createConversationRepository(ctx),
    messages: createMessageRepository(ctx),
    supportRequests: createSupportRequestRepository(ctx),
    handoffs: createHandoffRepository(ctx),
    surveys: createSurveyRepository(ctx),
    staff: createStaffRepository(ctx),
    audit: createAuditRepository(ctx),
    async ping() {
      const db = connection.db;
      if (!db) throw new Error('MongoDB connection is not open');
      await db.admin().ping();
    },
    async close() {
      await connection.close();
    },
  };
}
