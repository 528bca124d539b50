import type { AuditEventRecord, AuditRepository } from '../types.js';
import { asRows, date, dbDate, objectJson, pageParams, text, whereClause, type Row, type SqliteContext } from './rows.js';
import { newAuditEvent } from '../new-records.js';

function eventToRow(event: AuditEventRecord): Row {
  return {
    id: event.id,
    at: dbDate(event.at),
    actor: event.actor,
    action: event.action,
    subject_type: event.subjectType,
    subject_id: event.subjectId,
    details: JSON.stringify(event.details),
  };
}

function eventFromRow(row: Row): AuditEventRecord {
  return {
    id: text(row, 'id'),
    at: date(row, 'at'),
    actor: text(row, 'actor'),
    action: text(row, 'action'),
    subjectType: text(row, 'subject_type'),
    subjectId: text(row, 'subject_id'),
    details: objectJson(row, 'details'),
  };
}

/** Audit events are only ever appended and read, so there is no update path. */
export function createAuditRepository(ctx: SqliteContext): AuditRepository {
  return {
    async record(input) {
      const row = eventToRow(newAuditEvent(input));
      ctx
        .stmt(
          `INSERT INTO audit_events (id, at, actor, action, subject_type, subject_id, details)
           VALUES (@id, @at, @actor, @action, @subject_type, @subject_id, @details)`,
        )
        .run(row);
      return eventFromRow(row);
    },
    async list(filter) {
      const where = whereClause([
        ['subject_type = ?', filter.subjectType],
        ['subject_id = ?', filter.subjectId],
        ['actor = ?', filter.actor],
      ]);
      const sql = `SELECT * FROM audit_events ${where.sql} ORDER BY at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map(eventFromRow);
    },
  };
}
