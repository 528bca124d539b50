/**
 * Value lists and small rules shared by both store implementations, so the SQLite columns and the
 * mongoose enums accept exactly the same values as the record types in `types.ts`.
 */
import type { HandoffStatus, MessageAuthor, MessageDirection, StaffRole, SupportRequestStatus } from './types.js';

/**
 * Accepts a literal list only when it names every member of `Union`, so adding a status to the
 * record type without adding it here fails the type-check instead of failing at run time.
 */
function everyValueOf<Union extends string>() {
  return <const List extends readonly Union[]>(list: List & ([Exclude<Union, List[number]>] extends [never] ? unknown : never)): List =>
    list;
}

export const MESSAGE_DIRECTIONS = everyValueOf<MessageDirection>()(['incoming', 'outgoing', 'activity']);
export const AUTHOR_KINDS = everyValueOf<MessageAuthor['kind']>()(['beneficiary', 'bot', 'staff', 'system']);
export const SUPPORT_REQUEST_STATUSES = everyValueOf<SupportRequestStatus>()([
  'draft',
  'submitted',
  'under_review',
  'needs_documents',
  'accepted',
  'rejected',
  'completed',
  'withdrawn',
]);
export const HANDOFF_STATUSES = everyValueOf<HandoffStatus>()(['waiting', 'active', 'resolved']);
export const STAFF_ROLES = everyValueOf<StaffRole>()(['researcher', 'officer', 'admin']);

/** Handoffs still needing a person: the ones `findOpenByConversation` looks for. */
export const OPEN_HANDOFF_STATUSES = ['waiting', 'active'] as const satisfies readonly HandoffStatus[];

export function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Staff emails are compared case-insensitively, so they are kept in one case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The counter a year's support request references are numbered from; numbering restarts each year. */
export function referenceCounterName(year: number): string {
  return `support_request_reference:${year}`;
}

/** `INJ-2026-000123`: short enough to read over the phone, and sortable within a year. */
export function formatRequestReference(year: number, sequence: number): string {
  return `INJ-${year}-${String(sequence).padStart(6, '0')}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies the defined fields of `patch` to `current`, leaving the fixed fields alone. */
export function mergePatch<R extends object>(current: R, patch: Partial<R>, fixedFields: readonly (keyof R)[]): R {
  const next: R = { ...current };
  for (const key of Object.keys(patch) as (keyof R)[]) {
    const value = patch[key];
    // exactOptionalPropertyTypes keeps typed callers from passing undefined; untyped ones may still.
    if (value !== undefined && !fixedFields.includes(key)) next[key] = value;
  }
  return next;
}
