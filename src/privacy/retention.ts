/**
 * Data retention (PDPL: keep personal data no longer than its purpose needs): one purge of whatever
 * has outlived its configured limit, with a trace of it. What each limit erases, and how, is the
 * store's (`Store.purgeExpired`); this adds the accountability — one audit entry and one log line,
 * both counts only, never a value that was erased.
 *
 * @example
 * const report = await purgeExpiredData({ store, limits: config.retention, logger, now: Date.now });
 * // { drafts: 3, transcripts: 120, rejected: 1, documents: 2 }
 */
import type { Logger } from '../logging/logger.js';
import type { PurgeReport, RetentionLimits, Store } from '../store/types.js';

/** Who the audit trail names for a purge: the system's retention job, not a person. */
export const RETENTION_ACTOR = 'system:retention';
/** The audit action of a purge; its details are the PurgeReport's counts. */
export const RETENTION_ACTION = 'retention.purged';

export type RetentionDependencies = {
  store: Store;
  /** Days per record type, 0 keeping it forever (from RETENTION_* settings). */
  limits: RetentionLimits;
  logger: Logger;
  /** The clock (epoch ms); the app's, so tests can run a purge a year from now. */
  now: () => number;
};

/** Purges once, audits it and logs it. Safe to run again: a second purge reports zeros. */
export async function purgeExpiredData(deps: RetentionDependencies): Promise<PurgeReport> {
  const at = new Date(deps.now());
  const { draftDays, transcriptDays, rejectedDays, documentDays } = deps.limits;
  const report = await deps.store.purgeExpired({ draftDays, transcriptDays, rejectedDays, documentDays }, at);
  // Recorded even when nothing was due: the trail shows the purge ran.
  await deps.store.audit.record({ actor: RETENTION_ACTOR, action: RETENTION_ACTION, subjectType: 'store', subjectId: deps.store.kind, at, details: { ...report } });
  deps.logger.info({ event: RETENTION_ACTION, ...report }, 'expired data purged');
  return report;
}
