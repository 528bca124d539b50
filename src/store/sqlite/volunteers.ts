import { newVolunteer } from '../new-records.js';
import { ERASED_TEXT, VOLUNTEER_FIELDS, VOLUNTEER_STATUSES } from '../record-values.js';
import type { VolunteerRecord, VolunteerRepository } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dbDate,
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

const volunteers: TableMapping<VolunteerRecord> = {
  table: 'volunteers',
  what: 'volunteer',
  // What the volunteer told us stays as they said it; staff move the status and keep a note.
  mutableColumns: ['status', 'staff_note', 'updated_at'],
  fixedFields: ['id', 'contactId', 'conversationId', 'channel', 'name', 'phone', 'city', 'field', 'fieldDetails', 'availability', 'createdAt'],
  toRow: (v, { cipher }) => ({
    id: v.id,
    contact_id: v.contactId,
    conversation_id: v.conversationId,
    channel: v.channel,
    name: cipher.seal(v.name),
    phone: cipher.seal(v.phone),
    city: v.city,
    field: v.field,
    field_details: sealTextOrNull(cipher, v.fieldDetails),
    availability: v.availability,
    status: v.status,
    staff_note: sealTextOrNull(cipher, v.staffNote),
    created_at: dbDate(v.createdAt),
    updated_at: dbDate(v.updatedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    contactId: textOrNull(row, 'contact_id'),
    conversationId: text(row, 'conversation_id'),
    channel: text(row, 'channel'),
    name: cipher.open(text(row, 'name')),
    phone: cipher.open(text(row, 'phone')),
    city: text(row, 'city'),
    field: oneOf(row, 'field', VOLUNTEER_FIELDS),
    fieldDetails: openTextOrNull(cipher, row, 'field_details'),
    availability: text(row, 'availability'),
    status: oneOf(row, 'status', VOLUNTEER_STATUSES),
    staffNote: openTextOrNull(cipher, row, 'staff_note'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  }),
};

export function createVolunteerRepository(ctx: SqliteContext): VolunteerRepository {
  return {
    async create(input) {
      return insertRecord(ctx, volunteers, newVolunteer(input));
    },
    async get(id) {
      return getRecord(ctx, volunteers, id);
    },
    async update(id, patch) {
      return updateRecord(ctx, volunteers, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async list(filter) {
      const where = whereClause([
        ['status = ?', filter.status],
        ['contact_id = ?', filter.contactId],
      ]);
      const sql = `SELECT * FROM volunteers ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => volunteers.fromRow(row, ctx));
    },
    async eraseByContact(contactId) {
      // Sealed like any name, so an erased row looks like every other one on disk.
      const sql = `UPDATE volunteers SET name = ?, phone = ?, field_details = NULL, staff_note = NULL, updated_at = ? WHERE contact_id = ?`;
      return ctx.stmt(sql).run(ctx.cipher.seal(ERASED_TEXT), ctx.cipher.seal(ERASED_TEXT), dbDate(new Date()), contactId).changes;
    },
    async count(filter) {
      const where = whereClause([['status = ?', filter.status]]);
      const row = asRow(ctx.stmt(`SELECT COUNT(*) AS n FROM volunteers ${where.sql}`).get(...where.params));
      return row ? int(row, 'n') : 0;
    },
  };
}
