import { normalizeEmail, STAFF_ROLES } from '../record-values.js';
import type { StaffRepository, StaffUserRecord } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  int,
  oneOf,
  pageParams,
  text,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';
import { newStaffUser } from '../new-records.js';

const staffUsers: TableMapping<StaffUserRecord> = {
  table: 'staff_users',
  what: 'staff user',
  mutableColumns: ['email', 'password_hash', 'role', 'display_name', 'active', 'failed_logins', 'locked_until', 'updated_at'],
  fixedFields: ['id', 'createdAt'],
  toRow: (s) => ({
    id: s.id,
    email: normalizeEmail(s.email),
    password_hash: s.passwordHash,
    role: s.role,
    display_name: s.displayName,
    active: s.active ? 1 : 0,
    failed_logins: s.failedLogins,
    locked_until: dbDateOrNull(s.lockedUntil),
    created_at: dbDate(s.createdAt),
    updated_at: dbDate(s.updatedAt),
  }),
  fromRow: (row) => ({
    id: text(row, 'id'),
    email: text(row, 'email'),
    passwordHash: text(row, 'password_hash'),
    role: oneOf(row, 'role', STAFF_ROLES),
    displayName: text(row, 'display_name'),
    active: int(row, 'active') !== 0,
    failedLogins: int(row, 'failed_logins'),
    lockedUntil: dateOrNull(row, 'locked_until'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  }),
};

export function createStaffRepository(ctx: SqliteContext): StaffRepository {
  return {
    async create(input) {
      // toRow lower-cases the email, so the UNIQUE column is case-insensitive in effect.
      return insertRecord(ctx, staffUsers, newStaffUser(input));
    },
    async get(id) {
      return getRecord(ctx, staffUsers, id);
    },
    async findByEmail(email) {
      const row = asRow(ctx.stmt('SELECT * FROM staff_users WHERE email = ?').get(normalizeEmail(email)));
      return row ? staffUsers.fromRow(row, ctx) : null;
    },
    async update(id, patch) {
      return updateRecord(ctx, staffUsers, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async list(filter) {
      // By email: a stable order with no ties, which is what an admin list wants.
      const rows = ctx.stmt('SELECT * FROM staff_users ORDER BY email LIMIT ? OFFSET ?').all(...pageParams(filter));
      return asRows(rows).map((row) => staffUsers.fromRow(row, ctx));
    },
    async count() {
      const row = asRow(ctx.stmt('SELECT COUNT(*) AS n FROM staff_users').get());
      return row ? int(row, 'n') : 0;
    },
  };
}
