/** The SQLite store's answers to the retention purge (src/store/retention.ts). */
import { attachedFileIds, erasedActivity, requestDocumentsFrom } from '../record-values.js';
import type { RetentionPort } from '../retention.js';
import { asRows, dbDate, expectObject, int, openJsonOrNull, text, type SqliteContext } from './rows.js';
import { rewriteSupportRequest, supportRequests } from './support-requests.js';

/** Messages erased per transaction: short write locks, so turns in other processes are not held up. */
const BATCH = 500;

export function createSqliteRetention(ctx: SqliteContext): RetentionPort {
  /** One batch of the oldest messages not erased yet; how many, and the files they named. */
  const eraseBatch = ctx.db.transaction((before: string, now: string): { count: number; fileIds: string[] } => {
    const sql = `SELECT conversation_id, seq, activity FROM messages WHERE erased_at IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`;
    const rows = asRows(ctx.stmt(sql).all(before, BATCH));
    const update = ctx.stmt('UPDATE messages SET activity = ?, erased_at = ? WHERE conversation_id = ? AND seq = ?');
    const fileIds: string[] = [];
    for (const row of rows) {
      const activity = expectObject(ctx.cipher.openJson(text(row, 'activity')), 'activity');
      fileIds.push(...attachedFileIds(activity));
      update.run(ctx.cipher.sealJson(erasedActivity(activity)), now, text(row, 'conversation_id'), int(row, 'seq'));
    }
    return { count: rows.length, fileIds };
  });

  return {
    async clearStaleStates(before) {
      const sql = 'UPDATE conversations SET state = NULL WHERE state IS NOT NULL AND updated_at < ?';
      return ctx.stmt(sql).run(dbDate(before)).changes;
    },
    async eraseMessagesBefore(before, now) {
      const total = { count: 0, fileIds: [] as string[] };
      for (;;) {
        const batch = eraseBatch.immediate(dbDate(before), dbDate(now));
        total.count += batch.count;
        total.fileIds.push(...batch.fileIds);
        if (batch.count < BATCH) return total;
      }
    },
    async requestsUpdatedBefore(statuses, before) {
      const sql = 'SELECT * FROM support_requests WHERE status IN (SELECT value FROM json_each(?)) AND updated_at < ? ORDER BY updated_at';
      return asRows(ctx.stmt(sql).all(JSON.stringify(statuses), dbDate(before))).map((row) => supportRequests.fromRow(row, ctx));
    },
    async rewriteRequest(id, patch) {
      rewriteSupportRequest(ctx, id, patch);
    },
    async requestFileIds() {
      const rows = asRows(ctx.stmt('SELECT documents FROM support_requests WHERE documents IS NOT NULL').all());
      return new Set(rows.flatMap((row) => requestDocumentsFrom(openJsonOrNull(ctx.cipher, row, 'documents') ?? []).map((d) => d.fileId)));
    },
  };
}
