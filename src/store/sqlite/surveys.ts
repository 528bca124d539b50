import type { SurveyFilter, SurveyFollowUp, SurveyRepository, SurveyResponseRecord } from '../types.js';
import { newSurveyResponse } from '../new-records.js';
import { SURVEY_FOLLOW_UP_STATES } from '../record-values.js';
import {
  asRow,
  asRows,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  int,
  intOrNull,
  oneOfOrNull,
  openTextOrNull,
  pageParams,
  sealTextOrNull,
  text,
  textOrNull,
  whereClause,
  type Row,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';

/** The follow-up's columns; all NULL when none was opened. The note is sealed. */
function followUpColumns(followUp: SurveyFollowUp | null, ctx: SqliteContext): Row {
  return {
    follow_up_state: followUp?.state ?? null,
    follow_up_opened_at: followUp ? dbDate(followUp.openedAt) : null,
    follow_up_done_by: followUp?.doneBy ?? null,
    follow_up_done_at: followUp ? dbDateOrNull(followUp.doneAt) : null,
    follow_up_note: followUp ? sealTextOrNull(ctx.cipher, followUp.note) : null,
  };
}

function followUpFromRow(row: Row, ctx: SqliteContext): SurveyFollowUp | null {
  const state = oneOfOrNull(row, 'follow_up_state', SURVEY_FOLLOW_UP_STATES);
  if (state === null) return null;
  return {
    state,
    openedAt: date(row, 'follow_up_opened_at'),
    doneBy: textOrNull(row, 'follow_up_done_by'),
    doneAt: dateOrNull(row, 'follow_up_done_at'),
    note: openTextOrNull(ctx.cipher, row, 'follow_up_note'),
  };
}

const surveys: TableMapping<SurveyResponseRecord> = {
  table: 'survey_responses',
  what: 'survey response',
  mutableColumns: [
    'contact_id',
    'conversation_id',
    'milestone',
    'channel',
    'staff_id',
    'rating',
    'comment',
    'sent_at',
    'answered_at',
    'follow_up_state',
    'follow_up_opened_at',
    'follow_up_done_by',
    'follow_up_done_at',
    'follow_up_note',
  ],
  fixedFields: ['id'],
  toRow: (s, ctx) => ({
    id: s.id,
    contact_id: s.contactId,
    conversation_id: s.conversationId,
    milestone: s.milestone,
    channel: s.channel,
    staff_id: s.staffId,
    rating: s.rating,
    comment: sealTextOrNull(ctx.cipher, s.comment),
    sent_at: dbDate(s.sentAt),
    answered_at: dbDateOrNull(s.answeredAt),
    ...followUpColumns(s.followUp, ctx),
  }),
  fromRow: (row, ctx) => ({
    id: text(row, 'id'),
    contactId: textOrNull(row, 'contact_id'),
    conversationId: text(row, 'conversation_id'),
    milestone: text(row, 'milestone'),
    channel: text(row, 'channel'),
    staffId: textOrNull(row, 'staff_id'),
    rating: intOrNull(row, 'rating'),
    comment: openTextOrNull(ctx.cipher, row, 'comment'),
    sentAt: date(row, 'sent_at'),
    answeredAt: dateOrNull(row, 'answered_at'),
    followUp: followUpFromRow(row, ctx),
  }),
};

/** The WHERE clause `list` and `count` share, so a count always matches the list it stands for. */
function surveyWhere(filter: SurveyFilter) {
  return whereClause([
    ['contact_id = ?', filter.contactId],
    ['(answered_at IS NOT NULL) = ?', filter.answered === undefined ? undefined : Number(filter.answered)],
    // ISO-8601 text in UTC sorts in time order, so the range compares as text and uses the index.
    ['sent_at >= ?', filter.since === undefined ? undefined : dbDate(filter.since)],
    ['sent_at < ?', filter.until === undefined ? undefined : dbDate(filter.until)],
    ['follow_up_state = ?', filter.followUp],
    ['milestone = ?', filter.milestone],
  ]);
}

export function createSurveyRepository(ctx: SqliteContext): SurveyRepository {
  return {
    async create(input) {
      return insertRecord(ctx, surveys, newSurveyResponse(input));
    },
    async get(id) {
      return getRecord(ctx, surveys, id);
    },
    async update(id, patch) {
      return updateRecord(ctx, surveys, id, patch);
    },
    async list(filter) {
      const where = surveyWhere(filter);
      const sql = `SELECT * FROM survey_responses ${where.sql} ORDER BY sent_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => surveys.fromRow(row, ctx));
    },
    async count(filter) {
      const where = surveyWhere(filter);
      const row = asRow(ctx.stmt(`SELECT COUNT(*) AS n FROM survey_responses ${where.sql}`).get(...where.params));
      return row ? int(row, 'n') : 0;
    },
  };
}
