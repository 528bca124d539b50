import { LOCALES } from '../../i18n/i18n.js';
import { CONVERSATION_STATUSES, type ConversationRecord, type ConversationRepository } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dateOrNull,
  dbDate,
  dbDateOrNull,
  int,
  limitParam,
  oneOf,
  oneOfOrNull,
  openJsonOrNull,
  pageParams,
  sealJsonOrNull,
  text,
  textOrNull,
  whereClause,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';
import { newConversation } from '../new-records.js';

const conversations: TableMapping<ConversationRecord> = {
  table: 'conversations',
  what: 'conversation',
  // last_seq is left out: only messages.append moves it, inside its own transaction.
  mutableColumns: [
    'channel',
    'external_id',
    'contact_id',
    'status',
    'locale',
    'state',
    'reference',
    'token_hash',
    'token_expires_at',
    'processed_seq',
    'erased_at',
    'updated_at',
  ],
  fixedFields: ['id', 'createdAt', 'lastSeq'],
  toRow: (c, { cipher }) => ({
    id: c.id,
    channel: c.channel,
    external_id: c.externalId,
    contact_id: c.contactId,
    status: c.status,
    locale: c.locale,
    state: sealJsonOrNull(cipher, c.state),
    reference: sealJsonOrNull(cipher, c.reference),
    token_hash: c.tokenHash,
    token_expires_at: dbDateOrNull(c.tokenExpiresAt),
    processed_seq: c.processedSeq,
    last_seq: c.lastSeq,
    erased_at: dbDateOrNull(c.erasedAt),
    created_at: dbDate(c.createdAt),
    updated_at: dbDate(c.updatedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    channel: text(row, 'channel'),
    externalId: text(row, 'external_id'),
    contactId: textOrNull(row, 'contact_id'),
    status: oneOf(row, 'status', CONVERSATION_STATUSES),
    locale: oneOfOrNull(row, 'locale', LOCALES),
    state: openJsonOrNull(cipher, row, 'state'),
    reference: openJsonOrNull(cipher, row, 'reference'),
    tokenHash: textOrNull(row, 'token_hash'),
    tokenExpiresAt: dateOrNull(row, 'token_expires_at'),
    processedSeq: int(row, 'processed_seq'),
    lastSeq: int(row, 'last_seq'),
    erasedAt: dateOrNull(row, 'erased_at'),
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  }),
};

export function createConversationRepository(ctx: SqliteContext): ConversationRepository {
  const findOne = (where: string, ...params: string[]): ConversationRecord | null => {
    const row = asRow(ctx.stmt(`SELECT * FROM conversations WHERE ${where} LIMIT 1`).get(...params));
    return row ? conversations.fromRow(row, ctx) : null;
  };

  return {
    async create(input) {
      return insertRecord(ctx, conversations, newConversation(input));
    },
    async get(id) {
      return getRecord(ctx, conversations, id);
    },
    async findByExternal(channel, externalId) {
      return findOne('channel = ? AND external_id = ?', channel, externalId);
    },
    async findByTokenHash(tokenHash) {
      const row = asRow(ctx.stmt('SELECT id, channel, token_expires_at FROM conversations WHERE token_hash = ? LIMIT 1').get(tokenHash));
      return row ? { id: text(row, 'id'), channel: text(row, 'channel'), tokenExpiresAt: dateOrNull(row, 'token_expires_at') } : null;
    },
    async update(id, patch) {
      return updateRecord(ctx, conversations, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async list(filter) {
      const where = whereClause([
        ['status = ?', filter.status],
        ['channel = ?', filter.channel],
        ['contact_id = ?', filter.contactId],
      ]);
      const sql = `SELECT * FROM conversations ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return asRows(ctx.stmt(sql).all(...where.params, ...pageParams(filter))).map((row) => conversations.fromRow(row, ctx));
    },
    async listUnhandled(options) {
      // The EXISTS probe walks the messages' primary key (conversation_id, seq) from processed_seq on.
      // updated_at >= ? walks the conversations_updated index; an empty list of channels matches none.
      const channels = options.channels ? `AND c.channel IN (SELECT value FROM json_each(?))` : '';
      const sql = `SELECT c.id FROM conversations c
                   WHERE c.updated_at >= ? ${channels}
                     AND EXISTS (SELECT 1 FROM messages m
                                 WHERE m.conversation_id = c.id AND m.seq > c.processed_seq AND m.direction = 'incoming'
                                   AND m.created_at < ?)
                   ORDER BY c.updated_at, c.rowid LIMIT ?`;
      const since = options.updatedSince ? dbDate(options.updatedSince) : '';
      // ISO dates compare as text; '~' sorts after any of them (no bound).
      const before = options.storedBefore ? dbDate(options.storedBefore) : '~';
      const params = [since, ...(options.channels ? [JSON.stringify(options.channels)] : []), before, limitParam(options.limit)];
      return asRows(ctx.stmt(sql).all(...params)).map((row) => text(row, 'id'));
    },
  };
}
