import crypto from 'node:crypto';
import type { SurveyRepository, SurveyResponseRecord } from '../types.js';
import {
  asRows,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  intOrNull,
  openTextOrNull,
  pageParams,
  sealTextOrNull,
  text,
  textOrNull,
  whereClause,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';

const surveys: TableMapping<SurveyResponseRecord> = {
  table: 'survey_responses',
  what: 'survey response',
  mutableColumns: ['contact_id', 'conversation_id', 'milestone', 'channel', 'staff_id', 'rating', 'comment', 'sent_at', 'answered_at'],
  fixedFields: ['id'],
  toRow: (s, { cipher }) => ({
    id: s.id,
    contact_id: s.contactId,
    conversation_id: s.conversationId,
    milestone: s.milestone,
    channel: s.channel,
    staff_id: s.staffId,
    rating: s.rating,
    comment: sealTextOrNull(cipher, s.comment),
    sent_at: dbDate(s.sentAt),
    answered_at: dbDateOrNull(s.answeredAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    contactId: textOrNull(row, 'contact_id'),
    conversationId: text(row, 'conversation_id'),
    milestone: text(row, 'milestone'),
    channel: text(row, 'channel'),
    staffId: textOrNull(row, 'staff_id'),
    rating: intOrNull(row, 'rating'),
    comment: openTextOrNull(cipher, row, 'comment'),
    sentAt: date(row, 'sent_at'),
    answeredAt: dateOrNull(row, 'answered_at'),
  }),
};

export function createSurveyRepository(ctx: SqliteContext): SurveyRepository {
  return {
    async create(input) {
      return insertRecord(ctx, surveys, { ...input, id: crypto.randomUUID() });
    },
    async get(id) {
      return getRecord(ctx, surveys, id);
    },
    async update(id, patch) {
      return updateRecord(ctx, surveys, id, patch);
    },
    async list(filter) {
      const answered = filter.answered === undefined ? undefined : Number(filter.answered);
      const where = whereClause([
        ['contact_id = ?', filter.contactId],
        ['(answered_at IS NOT NULL) = ?', answered],
      ]);
      const sql = `SELECT * FROM survey_responses ${where.sql} ORDER BY sent_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => surveys.fromRow(row, ctx));
    },
  };
}
