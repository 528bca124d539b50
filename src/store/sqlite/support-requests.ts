import { newSupportRequest } from '../new-records.js';
import { OPEN_SUPPORT_REQUEST_STATUSES, requestDocumentsFrom, SUPPORT_REQUEST_STATUSES, withFreshReference } from '../record-values.js';
import type { NewSupportRequest, SupportRequestRecord, SupportRequestRepository } from '../types.js';
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
  json,
  openJsonOrNull,
  openTextOrNull,
  oneOf,
  pageParams,
  sealTextOrNull,
  text,
  textOrNull,
  whereClause,
  type Row,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';

export const supportRequests: TableMapping<SupportRequestRecord> = {
  table: 'support_requests',
  what: 'support request',
  mutableColumns: [
    'contact_id',
    'conversation_id',
    'channel',
    'status',
    'answers',
    'applicant_keys',
    'documents',
    'documents_completed_at',
    'declaration',
    'status_note',
    'updated_at',
    'submitted_at',
  ],
  fixedFields: ['id', 'reference', 'createdAt'],
  toRow: (r, { cipher }) => ({
    id: r.id,
    reference: r.reference,
    contact_id: r.contactId,
    conversation_id: r.conversationId,
    channel: r.channel,
    status: r.status,
    answers: cipher.sealJson(r.answers),
    applicant_keys: JSON.stringify(r.applicantKeys),
    documents: cipher.sealJson(r.documents),
    documents_completed_at: dbDateOrNull(r.documentsCompletedAt),
    declaration: consentJson(r.declaration),
    status_note: sealTextOrNull(cipher, r.statusNote),
    created_at: dbDate(r.createdAt),
    updated_at: dbDate(r.updatedAt),
    submitted_at: dbDateOrNull(r.submittedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    reference: text(row, 'reference'),
    contactId: text(row, 'contact_id'),
    conversationId: textOrNull(row, 'conversation_id'),
    channel: textOrNull(row, 'channel'),
    status: oneOf(row, 'status', SUPPORT_REQUEST_STATUSES),
    answers: expectObject(cipher.openJson(text(row, 'answers')), 'answers'),
    applicantKeys: applicantKeysOf(row),
    // NULL only in rows written before schema version 2, which had no documents.
    documents: requestDocumentsFrom(openJsonOrNull(cipher, row, 'documents') ?? []),
    documentsCompletedAt: dateOrNull(row, 'documents_completed_at'),
    declaration: consentOrNull(row, 'declaration'),
    statusNote: openTextOrNull(cipher, row, 'status_note'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
    submittedAt: dateOrNull(row, 'submitted_at'),
  }),
};

function applicantKeysOf(row: Row): string[] {
  const keys = json(row, 'applicant_keys');
  if (!Array.isArray(keys) || !keys.every((key): key is string => typeof key === 'string')) {
    throw new Error('column applicant_keys does not hold a list of strings');
  }
  return keys;
}

const OPEN_STATUSES_JSON = JSON.stringify(OPEN_SUPPORT_REQUEST_STATUSES);

/**
 * The row's `applicant_keys` JSON is what reads return; `support_request_keys` is only its index, so
 * lookups by key use an index instead of scanning every request's JSON. Both are written in one
 * transaction, so they never disagree.
 */
function replaceApplicantKeys(ctx: SqliteContext, record: SupportRequestRecord): void {
  ctx.stmt('DELETE FROM support_request_keys WHERE request_id = ?').run(record.id);
  // OR IGNORE: the same key listed twice is one index row.
  ctx
    .stmt('INSERT OR IGNORE INTO support_request_keys (request_id, key) SELECT ?, value FROM json_each(?)')
    .run(record.id, JSON.stringify(record.applicantKeys));
}

/**
 * Patches a request without moving `updatedAt` (the retention purge: erasing is not a change the
 * association made, and the decision date stays what retention counts from). Keeps the key index in step.
 */
export function rewriteSupportRequest(ctx: SqliteContext, id: string, patch: Partial<SupportRequestRecord>): void {
  ctx.db
    .transaction(() => {
      const updated = updateRecord(ctx, supportRequests, id, patch);
      if (patch.applicantKeys !== undefined) replaceApplicantKeys(ctx, updated);
    })
    .immediate();
}

export function createSupportRequestRepository(ctx: SqliteContext): SupportRequestRepository {
  const create = ctx.db.transaction((input: NewSupportRequest, reference: string): SupportRequestRecord => {
    const created = insertRecord(ctx, supportRequests, newSupportRequest(input, reference));
    replaceApplicantKeys(ctx, created);
    return created;
  });
  // updateRecord's own transaction nests as a savepoint inside this one.
  const update = ctx.db.transaction((id: string, patch: Parameters<SupportRequestRepository['update']>[1]): SupportRequestRecord => {
    const updated = updateRecord(ctx, supportRequests, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    if (patch.applicantKeys !== undefined) replaceApplicantKeys(ctx, updated);
    return updated;
  });

  return {
    async create(input) {
      return withFreshReference(async (reference) => create.immediate(input, reference));
    },
    async get(id) {
      return getRecord(ctx, supportRequests, id);
    },
    async getByReference(reference) {
      const row = asRow(ctx.stmt('SELECT * FROM support_requests WHERE reference = ?').get(reference));
      return row ? supportRequests.fromRow(row, ctx) : null;
    },
    async update(id, patch) {
      return update.immediate(id, patch);
    },
    async list(filter) {
      const where = whereClause([
        ['status = ?', filter.status],
        ['contact_id = ?', filter.contactId],
      ]);
      const sql = `SELECT * FROM support_requests ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => supportRequests.fromRow(row, ctx));
    },
    async findOpenByApplicantKeys(keys) {
      if (keys.length === 0) return null;
      // Lists go in as JSON, so one prepared statement serves any number of keys.
      const sql = `SELECT * FROM support_requests
                   WHERE id IN (SELECT request_id FROM support_request_keys WHERE key IN (SELECT value FROM json_each(?)))
                     AND status IN (SELECT value FROM json_each(?))
                   ORDER BY created_at DESC, rowid DESC LIMIT 1`;
      const row = asRow(ctx.stmt(sql).get(JSON.stringify(keys), OPEN_STATUSES_JSON));
      return row ? supportRequests.fromRow(row, ctx) : null;
    },
  };
}
