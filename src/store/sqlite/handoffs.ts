import { HANDOFF_STATUSES, OPEN_HANDOFF_STATUSES } from '../record-values.js';
import type { HandoffRecord, HandoffRepository } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  oneOf,
  pageParams,
  text,
  textOrNull,
  whereClause,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';
import { newHandoff } from '../new-records.js';

const handoffs: TableMapping<HandoffRecord> = {
  table: 'handoffs',
  what: 'handoff',
  mutableColumns: ['conversation_id', 'contact_id', 'reason', 'status', 'assignee_id', 'claimed_at', 'resolved_at'],
  fixedFields: ['id', 'createdAt'],
  toRow: (h) => ({
    id: h.id,
    conversation_id: h.conversationId,
    contact_id: h.contactId,
    reason: h.reason,
    status: h.status,
    assignee_id: h.assigneeId,
    created_at: dbDate(h.createdAt),
    claimed_at: dbDateOrNull(h.claimedAt),
    resolved_at: dbDateOrNull(h.resolvedAt),
  }),
  fromRow: (row) => ({
    id: text(row, 'id'),
    conversationId: text(row, 'conversation_id'),
    contactId: textOrNull(row, 'contact_id'),
    reason: text(row, 'reason'),
    status: oneOf(row, 'status', HANDOFF_STATUSES),
    assigneeId: textOrNull(row, 'assignee_id'),
    createdAt: date(row, 'created_at'),
    claimedAt: dateOrNull(row, 'claimed_at'),
    resolvedAt: dateOrNull(row, 'resolved_at'),
  }),
};

export function createHandoffRepository(ctx: SqliteContext): HandoffRepository {
  return {
    async create(input) {
      return insertRecord(ctx, handoffs, newHandoff(input));
    },
    async get(id) {
      return getRecord(ctx, handoffs, id);
    },
    async update(id, patch) {
      return updateRecord(ctx, handoffs, id, patch);
    },
    async findOpenByConversation(conversationId) {
      const sql = `SELECT * FROM handoffs WHERE conversation_id = ? AND status IN (?, ?)
                   ORDER BY created_at DESC, rowid DESC LIMIT 1`;
      const row = asRow(ctx.stmt(sql).get(conversationId, ...OPEN_HANDOFF_STATUSES));
      return row ? handoffs.fromRow(row, ctx) : null;
    },
    async claim(id, assigneeId, expectedAssigneeId) {
      const sql = `UPDATE handoffs SET status = 'active', assignee_id = ?, claimed_at = COALESCE(claimed_at, ?)
                   WHERE id = ? AND status <> 'resolved' AND assignee_id IS ?`;
      const changed = ctx.stmt(sql).run(assigneeId, dbDate(new Date()), id, expectedAssigneeId).changes;
      return changed === 1 ? getRecord(ctx, handoffs, id) : null;
    },
    async list(filter) {
      const where = whereClause([
        ['status = ?', filter.status],
        ['assignee_id = ?', filter.assigneeId],
      ]);
      // Oldest first: the queue is served in the order people asked.
      const sql = `SELECT * FROM handoffs ${where.sql} ORDER BY created_at, rowid LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => handoffs.fromRow(row, ctx));
    },
  };
}
