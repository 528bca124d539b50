import { newFeedback } from '../new-records.js';
import { ERASED_TEXT, FEEDBACK_KINDS, FEEDBACK_STATUSES, withFreshReference } from '../record-values.js';
import type { FeedbackKind, FeedbackRecord, FeedbackRepository, FeedbackStatus } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  int,
  oneOf,
  openTextOrNull,
  pageParams,
  sealTextOrNull,
  text,
  textOrNull,
  whereClause,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';

const feedback: TableMapping<FeedbackRecord> = {
  table: 'feedback',
  what: 'feedback',
  // The beneficiary's words stay as they wrote them; staff answer them.
  mutableColumns: ['status', 'reply', 'replied_by', 'replied_at', 'updated_at'],
  fixedFields: ['id', 'reference', 'contactId', 'conversationId', 'channel', 'kind', 'category', 'text', 'createdAt'],
  toRow: (f, { cipher }) => ({
    id: f.id,
    reference: f.reference,
    contact_id: f.contactId,
    conversation_id: f.conversationId,
    channel: f.channel,
    kind: f.kind,
    category: f.category,
    text: cipher.seal(f.text),
    status: f.status,
    reply: sealTextOrNull(cipher, f.reply),
    replied_by: f.repliedBy,
    replied_at: dbDateOrNull(f.repliedAt),
    created_at: dbDate(f.createdAt),
    updated_at: dbDate(f.updatedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    reference: text(row, 'reference'),
    contactId: textOrNull(row, 'contact_id'),
    conversationId: text(row, 'conversation_id'),
    channel: text(row, 'channel'),
    kind: oneOf(row, 'kind', FEEDBACK_KINDS),
    category: text(row, 'category'),
    text: cipher.open(text(row, 'text')),
    status: oneOf(row, 'status', FEEDBACK_STATUSES),
    reply: openTextOrNull(cipher, row, 'reply'),
    repliedBy: textOrNull(row, 'replied_by'),
    repliedAt: dateOrNull(row, 'replied_at'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  }),
};

function feedbackWhere(filter: { kind?: FeedbackKind; status?: FeedbackStatus; contactId?: string }) {
  return whereClause([
    ['kind = ?', filter.kind],
    ['status = ?', filter.status],
    ['contact_id = ?', filter.contactId],
  ]);
}

export function createFeedbackRepository(ctx: SqliteContext): FeedbackRepository {
  return {
    async create(input) {
      return withFreshReference(async (reference) => insertRecord(ctx, feedback, newFeedback(input, reference)), 'feedback reference');
    },
    async get(id) {
      return getRecord(ctx, feedback, id);
    },
    async getByReference(reference) {
      const row = asRow(ctx.stmt('SELECT * FROM feedback WHERE reference = ?').get(reference));
      return row ? feedback.fromRow(row, ctx) : null;
    },
    async update(id, patch) {
      return updateRecord(ctx, feedback, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async list(filter) {
      const where = feedbackWhere(filter);
      // Open complaints are what staff must answer first; everything else follows, newest first.
      const sql = `SELECT * FROM feedback ${where.sql}
                   ORDER BY (kind = 'complaint' AND status = 'open') DESC, created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => feedback.fromRow(row, ctx));
    },
    async eraseByContact(contactId) {
      const sql = 'UPDATE feedback SET text = ?, reply = NULL, updated_at = ? WHERE contact_id = ?';
      return ctx.stmt(sql).run(ctx.cipher.seal(ERASED_TEXT), dbDate(new Date()), contactId).changes;
    },
    async count(filter) {
      const where = feedbackWhere(filter);
      const row = asRow(ctx.stmt(`SELECT COUNT(*) AS n FROM feedback ${where.sql}`).get(...where.params));
      return row ? int(row, 'n') : 0;
    },
  };
}
