import { StoreNotFoundError } from '../../errors/store-errors.js';
import { newMessage } from '../new-records.js';
import { AUTHOR_KINDS, canMoveDelivery, DELIVERY_STATES, erasedActivity, isOneOf, mergeDelivery, MESSAGE_DIRECTIONS } from '../record-values.js';
import type { MessageAuthor, MessageDelivery, MessageRecord, MessageRepository } from '../types.js';
import {
  asRow,
  asRows,
  date,
  dbDate,
  expectObject,
  int,
  json,
  limitParam,
  oneOf,
  oneOfOrNull,
  text,
  textOrNull,
  type Row,
  type SqliteContext,
} from './rows.js';

type AppendInput = Parameters<MessageRepository['append']>[1];

function authorFromJson(value: unknown): MessageAuthor {
  const { kind, staffId } = expectObject(value, 'author');
  if (!isOneOf(AUTHOR_KINDS, kind)) throw new Error('column author holds an unknown kind');
  // exactOptionalPropertyTypes: staffId is absent rather than undefined when there is none.
  return typeof staffId === 'string' ? { kind, staffId } : { kind };
}

/** The delivery columns; all NULL for a message whose delivery was never recorded. */
function deliveryToRow(delivery: MessageDelivery | null): Row {
  return {
    delivery_state: delivery?.state ?? null,
    delivery_at: delivery ? dbDate(delivery.at) : null,
    platform_id: delivery?.platformId ?? null,
    delivery_error: delivery?.error ?? null,
  };
}

function deliveryFromRow(row: Row): MessageDelivery | null {
  const state = oneOfOrNull(row, 'delivery_state', DELIVERY_STATES);
  if (state === null) return null;
  return { state, at: date(row, 'delivery_at'), platformId: textOrNull(row, 'platform_id'), error: textOrNull(row, 'delivery_error') };
}

function messageToRow(message: MessageRecord, ctx: SqliteContext): Row {
  return {
    conversation_id: message.conversationId,
    seq: message.seq,
    direction: message.direction,
    author: JSON.stringify(message.author),
    activity: ctx.cipher.sealJson(message.activity),
    dedupe_key: message.dedupeKey,
    ...deliveryToRow(message.delivery),
    created_at: dbDate(message.createdAt),
  };
}

function messageFromRow(row: Row, ctx: SqliteContext): MessageRecord {
  return {
    conversationId: text(row, 'conversation_id'),
    seq: int(row, 'seq'),
    direction: oneOf(row, 'direction', MESSAGE_DIRECTIONS),
    author: authorFromJson(json(row, 'author')),
    activity: expectObject(ctx.cipher.openJson(text(row, 'activity')), 'activity'),
    dedupeKey: textOrNull(row, 'dedupe_key'),
    delivery: deliveryFromRow(row),
    createdAt: date(row, 'created_at'),
  };
}

export function createMessageRepository(ctx: SqliteContext): MessageRepository {
  const findByDedupeKey = (conversationId: string, dedupeKey: string): MessageRecord | null => {
    const sql = 'SELECT * FROM messages WHERE conversation_id = ? AND dedupe_key = ?';
    const row = asRow(ctx.stmt(sql).get(conversationId, dedupeKey));
    return row ? messageFromRow(row, ctx) : null;
  };

  const findBySeq = (conversationId: string, seq: number): MessageRecord | null => {
    const row = asRow(ctx.stmt('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?').get(conversationId, seq));
    return row ? messageFromRow(row, ctx) : null;
  };

  /**
   * Read lastSeq, insert at lastSeq + 1, move lastSeq: run as an IMMEDIATE transaction, which holds
   * the file's write lock from the first read, so appends from other connections and processes
   * queue behind it (busy_timeout) instead of reading the same lastSeq.
   */
  const append = ctx.db.transaction((conversationId: string, input: AppendInput) => {
    const dedupeKey = input.dedupeKey ?? null;
    const earlier = dedupeKey === null ? null : findByDedupeKey(conversationId, dedupeKey);
    if (earlier) return { message: earlier, duplicate: true };

    const conversation = asRow(ctx.stmt('SELECT last_seq FROM conversations WHERE id = ?').get(conversationId));
    if (!conversation) throw new StoreNotFoundError('conversation', conversationId);

    const now = new Date();
    const message = newMessage(conversationId, int(conversation, 'last_seq') + 1, input, now);
    const row = messageToRow(message, ctx);
    ctx
      .stmt(
        `INSERT INTO messages (conversation_id, seq, direction, author, activity, dedupe_key,
                               delivery_state, delivery_at, platform_id, delivery_error, created_at)
         VALUES (@conversation_id, @seq, @direction, @author, @activity, @dedupe_key,
                 @delivery_state, @delivery_at, @platform_id, @delivery_error, @created_at)`,
      )
      .run(row);
    ctx.stmt('UPDATE conversations SET last_seq = ?, updated_at = ? WHERE id = ?').run(message.seq, dbDate(now), conversationId);
    return { message: messageFromRow(row, ctx), duplicate: false };
  });

  /** Read, check the move, write: IMMEDIATE, so two reports of one message cannot both pass the check on a stale read. */
  const setDelivery = ctx.db.transaction((conversationId: string, seq: number, delivery: MessageDelivery): MessageRecord | null => {
    const current = findBySeq(conversationId, seq);
    if (!current || !canMoveDelivery(current.delivery?.state ?? null, delivery.state)) return current;
    const columns = deliveryToRow(mergeDelivery(current.delivery, delivery));
    ctx
      .stmt(
        `UPDATE messages SET delivery_state = @delivery_state, delivery_at = @delivery_at, platform_id = @platform_id,
                             delivery_error = @delivery_error
         WHERE conversation_id = @conversation_id AND seq = @seq`,
      )
      .run({ ...columns, conversation_id: conversationId, seq });
    return findBySeq(conversationId, seq);
  });

  /** One transaction: a transcript is never left half erased. */
  const eraseConversation = ctx.db.transaction((conversationId: string): number => {
    const rows = asRows(ctx.stmt('SELECT seq, activity FROM messages WHERE conversation_id = ? ORDER BY seq').all(conversationId));
    const update = ctx.stmt('UPDATE messages SET activity = ?, erased_at = coalesce(erased_at, ?) WHERE conversation_id = ? AND seq = ?');
    const now = dbDate(new Date());
    for (const row of rows) {
      const activity = expectObject(ctx.cipher.openJson(text(row, 'activity')), 'activity');
      update.run(ctx.cipher.sealJson(erasedActivity(activity)), now, conversationId, int(row, 'seq'));
    }
    return rows.length;
  });

  return {
    async eraseConversation(conversationId) {
      return eraseConversation.immediate(conversationId);
    },
    async append(conversationId, input) {
      return append.immediate(conversationId, input);
    },
    async list(conversationId, options = {}) {
      const params: (string | number)[] = [conversationId, options.afterSeq ?? 0];
      let sql = 'SELECT * FROM messages WHERE conversation_id = ? AND seq > ?';
      if (options.direction !== undefined) {
        sql += ' AND direction = ?';
        params.push(options.direction);
      }
      sql += ' ORDER BY seq LIMIT ?';
      params.push(limitParam(options.limit));
      return asRows(ctx.stmt(sql).all(...params)).map((row) => messageFromRow(row, ctx));
    },
    async setDelivery(conversationId, seq, delivery) {
      return setDelivery.immediate(conversationId, seq, delivery);
    },
    async findByPlatformId(channel, platformId) {
      const sql = `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
                   WHERE m.platform_id = ? AND m.direction = 'outgoing' AND c.channel = ?
                   ORDER BY m.created_at DESC, m.seq DESC LIMIT 1`;
      const row = asRow(ctx.stmt(sql).get(platformId, channel));
      return row ? messageFromRow(row, ctx) : null;
    },
  };
}
