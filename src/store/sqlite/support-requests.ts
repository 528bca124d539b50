import crypto from 'node:crypto';
import { formatRequestReference, referenceCounterName, SUPPORT_REQUEST_STATUSES } from '../record-values.js';
import type { SupportRequestRecord, SupportRequestRepository } from '../types.js';
import {
  asRow,
  asRows,
  consentJson,
  consentOrNull,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  expectObject,
  int,
  oneOf,
  pageParams,
  text,
  textOrNull,
  whereClause,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';

type CreateInput = Parameters<SupportRequestRepository['create']>[0];

const supportRequests: TableMapping<SupportRequestRecord> = {
  table: 'support_requests',
  what: 'support request',
  mutableColumns: ['contact_id', 'conversation_id', 'status', 'answers', 'declaration', 'updated_at', 'submitted_at'],
  fixedFields: ['id', 'reference', 'createdAt'],
  toRow: (r, { cipher }) => ({
    id: r.id,
    reference: r.reference,
    contact_id: r.contactId,
    conversation_id: r.conversationId,
    status: r.status,
    answers: cipher.sealJson(r.answers),
    declaration: consentJson(r.declaration),
    created_at: dbDate(r.createdAt),
    updated_at: dbDate(r.updatedAt),
    submitted_at: dbDateOrNull(r.submittedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    reference: text(row, 'reference'),
    contactId: text(row, 'contact_id'),
    conversationId: textOrNull(row, 'conversation_id'),
    status: oneOf(row, 'status', SUPPORT_REQUEST_STATUSES),
    answers: expectObject(cipher.openJson(text(row, 'answers')), 'answers'),
    declaration: consentOrNull(row, 'declaration'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
    submittedAt: dateOrNull(row, 'submitted_at'),
  }),
};

/** Takes the next number of a named counter; the upsert is one statement, so it is atomic. */
export function nextCounterValue(ctx: SqliteContext, name: string): number {
  const sql = `INSERT INTO counters (name, value) VALUES (?, 1)
               ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`;
  const row = asRow(ctx.stmt(sql).get(name));
  if (!row) throw new Error(`counter ${name} did not return a value`);
  return int(row, 'value');
}

export function createSupportRequestRepository(ctx: SqliteContext): SupportRequestRepository {
  // Numbering and inserting share a transaction, so a failed insert does not burn a reference.
  const create = ctx.db.transaction((input: CreateInput): SupportRequestRecord => {
    const now = new Date();
    const year = now.getUTCFullYear();
    return insertRecord(ctx, supportRequests, {
      ...input,
      id: crypto.randomUUID(),
      reference: formatRequestReference(year, nextCounterValue(ctx, referenceCounterName(year))),
      createdAt: now,
      updatedAt: now,
    });
  });

  return {
    async create(input) {
      return create.immediate(input);
    },
    async get(id) {
      return getRecord(ctx, supportRequests, id);
    },
    async getByReference(reference) {
      const row = asRow(ctx.stmt('SELECT * FROM support_requests WHERE reference = ?').get(reference));
      return row ? supportRequests.fromRow(row, ctx) : null;
    },
    async update(id, patch) {
      return updateRecord(ctx, supportRequests, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async list(filter) {
      const where = whereClause([
        ['status = ?', filter.status],
        ['contact_id = ?', filter.contactId],
      ]);
      const sql = `SELECT * FROM support_requests ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => supportRequests.fromRow(row, ctx));
    },
  };
}
