/**
 * Value lists and small rules shared by both store implementations, so the SQLite columns and the
 * mongoose enums accept exactly the same values as the record types in `types.ts`.
 */
import crypto from 'node:crypto';
import { StoreConflictError } from '../errors/store-errors.js';
import { stripInvisible, toAsciiDigits } from '../text/normalize.js';
import type {
  BookingKind,
  BookingStatus,
  ContactPreferences,
  DeliveryState,
  FeedbackKind,
  FeedbackStatus,
  HandoffStatus,
  MessageAuthor,
  MessageDelivery,
  MessageDirection,
  RequestDocument,
  StaffRole,
  SupportRequestStatus,
  SurveyFollowUpState,
  VolunteerField,
  VolunteerStatus,
} from './types.js';

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
export const DELIVERY_STATES = everyValueOf<DeliveryState>()(['pending', 'sent', 'delivered', 'read', 'failed']);
export const STAFF_ROLES = everyValueOf<StaffRole>()(['researcher', 'officer', 'admin']);
export const SURVEY_FOLLOW_UP_STATES = everyValueOf<SurveyFollowUpState>()(['open', 'done']);
export const BOOKING_KINDS = everyValueOf<BookingKind>()(['interview', 'callback']);
export const BOOKING_STATUSES = everyValueOf<BookingStatus>()(['requested', 'confirmed', 'cancelled', 'done']);
export const VOLUNTEER_FIELDS = everyValueOf<VolunteerField>()(['medical', 'social', 'awareness', 'administrative', 'other']);
export const VOLUNTEER_STATUSES = everyValueOf<VolunteerStatus>()(['new', 'contacted', 'active', 'declined']);
export const FEEDBACK_KINDS = everyValueOf<FeedbackKind>()(['suggestion', 'complaint']);
export const FEEDBACK_STATUSES = everyValueOf<FeedbackStatus>()(['open', 'answered']);

/**
 * A new contact's preferences, and how both stores read a contact stored before preferences
 * existed: everything on. A fresh object each call, so no record shares it.
 */
export function defaultContactPreferences(): ContactPreferences {
  return { surveys: true, reminders: true };
}

/**
 * Requests still running, the ones `findOpenByApplicantKeys` looks for: a couple with one of these
 * should follow it up rather than apply again. Drafts were never sent; the rest are closed.
 */
export const OPEN_SUPPORT_REQUEST_STATUSES = ['submitted', 'under_review', 'needs_documents', 'accepted'] as const satisfies readonly SupportRequestStatus[];

/** Bookings that hold a place in their window: the ones the capacity rule and `countActive` count. */
export const ACTIVE_BOOKING_STATUSES = ['requested', 'confirmed'] as const satisfies readonly BookingStatus[];

export function isActiveBooking(status: BookingStatus): boolean {
  return isOneOf(ACTIVE_BOOKING_STATUSES, status);
}

/**
 * Whether a window with `active` bookings has room under `capacity`: "fewer than", as MongoDB's
 * `$lt` filter reads it, so a capacity that is no number (NaN) means full rather than unlimited.
 */
export function windowHasRoom(active: number, capacity: number): boolean {
  return active < capacity;
}

/** Handoffs still needing a person: the ones `findOpenByConversation` looks for. */
export const OPEN_HANDOFF_STATUSES = ['waiting', 'active'] as const satisfies readonly HandoffStatus[];

/** How far each state is along the way; `failed` is off it. */
const DELIVERY_PROGRESS: Record<Exclude<DeliveryState, 'failed'>, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * The states a message may leave for `next` (see `MessageRepository.setDelivery`): any earlier state
 * on the way; for `failed` only pending and sent (a message the platform delivered did not fail);
 * and out of `failed` to anything but pending, because a send retried after a failure can succeed.
 * Both stores use this one list, SQLite in code and MongoDB in its update filter.
 */
export function deliveryStatesBefore(next: DeliveryState): DeliveryState[] {
  if (next === 'failed') return ['pending', 'sent'];
  const earlier = DELIVERY_STATES.filter((state) => state !== 'failed' && DELIVERY_PROGRESS[state] < DELIVERY_PROGRESS[next]);
  return next === 'pending' ? earlier : [...earlier, 'failed'];
}

/** Whether a message whose delivery is `current` (null: never recorded) may move to `next`. */
export function canMoveDelivery(current: DeliveryState | null, next: DeliveryState): boolean {
  return current === null || deliveryStatesBefore(next).includes(current);
}

/** The delivery to store when `next` is accepted over `current`: a null platform id keeps the known one. */
export function mergeDelivery(current: MessageDelivery | null, next: MessageDelivery): MessageDelivery {
  return { state: next.state, at: next.at, platformId: next.platformId ?? current?.platformId ?? null, error: next.error };
}

export function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Staff emails are compared case-insensitively, so they are kept in one case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The canonical request reference, `NNNN-NNNN` with digits 2–9 only (e.g. `4827-5396`). Without 0
 * and 1 nothing reads as O, I or l, and eight random digits from eight values give 16.7 million
 * references, so they reveal nothing about how many requests exist.
 */
export const REQUEST_REFERENCE_PATTERN = /^[2-9]{4}-[2-9]{4}$/;

/** How many references `withFreshReference` draws before giving up; a clash is rare, several in a row mean trouble. */
export const REFERENCE_ATTEMPTS = 5;

/** Draws a new reference with a cryptographic generator, so references cannot be guessed from one another. */
export function drawRequestReference(): string {
  const digits = Array.from({ length: 8 }, () => String(crypto.randomInt(2, 10))).join('');
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/**
 * Runs `insert` with a freshly drawn reference, drawing again when it clashes with a stored one
 * (the reference is the record's only unique value besides its UUID, so a StoreConflictError from
 * the insert means a clash). Fails with StoreConflictError for `what` after REFERENCE_ATTEMPTS clashes.
 * Support requests, bookings and feedback all draw their references this way.
 */
export async function withFreshReference<T>(
  insert: (reference: string) => Promise<T>,
  what = 'support request reference',
): Promise<T> {
  let lastClash: unknown;
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt += 1) {
    try {
      return await insert(drawRequestReference());
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      lastClash = error;
    }
  }
  throw new StoreConflictError(what, lastClash);
}

/** Runs of digits joined by a dash or by spaces (not line breaks): a phone number typed in groups is one run. */
const DIGIT_RUNS = /\d+(?:[^\S\r\n]*[-\u2010-\u2015\u2212][^\S\r\n]*\d+|[^\S\r\n]+\d+)*/g;
/** A whole run that is a reference: two groups of four digits 2–9, with a dash, spaces or nothing between. */
const REFERENCE_RUN = /^([2-9]{4})(?:[^\S\r\n]*[-\u2010-\u2015\u2212][^\S\r\n]*|[^\S\r\n]+)?([2-9]{4})$/;

/**
 * Finds a request reference in what a beneficiary typed and returns it in canonical form, or null.
 * Accepts ASCII, Arabic-Indic and Persian digits and a dash, spaces or nothing between the groups.
 * A reference must be a whole run of digits, so part of a national ID or a phone number never
 * passes for one.
 *
 * @example parseRequestReference('حالة طلبي ٤٨٢٧-٥٣٩٦') === '4827-5396'
 * @example parseRequestReference('0551234567') === null
 */
export function parseRequestReference(text: string): string | null {
  const plain = toAsciiDigits(stripInvisible(text.normalize('NFKC')));
  for (const [run] of plain.matchAll(DIGIT_RUNS)) {
    const match = REFERENCE_RUN.exec(run);
    if (match) return `${match[1]}-${match[2]}`;
  }
  return null;
}

/**
 * Decodes a request's documents list as stored (JSON, so `receivedAt` is ISO text) back into
 * records with Date values; anything malformed fails loudly rather than vanishing.
 */
export function requestDocumentsFrom(value: unknown): RequestDocument[] {
  if (!Array.isArray(value)) throw new Error('stored documents are not a list');
  return value.map((item: unknown): RequestDocument => {
    if (!isPlainObject(item)) throw new Error('a stored document is not an object');
    const { kind, fileId, name, contentType, size, receivedAt } = item;
    if (
      typeof kind !== 'string' ||
      typeof fileId !== 'string' ||
      typeof name !== 'string' ||
      typeof contentType !== 'string' ||
      typeof size !== 'number' ||
      (typeof receivedAt !== 'string' && !(receivedAt instanceof Date))
    ) {
      throw new Error('a stored document is malformed');
    }
    return { kind, fileId, name, contentType, size, receivedAt: new Date(receivedAt) };
  });
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

/** What an erased required text field holds (a volunteer's name, a complaint's text): nothing. */
export const ERASED_TEXT = '';

/**
 * A transcript activity after erasure: only what the Direct Line protocol and the console need to
 * keep the conversation's shape (type, id, time, reply link, sender's id and role) and a marker.
 */
export function erasedActivity(activity: Record<string, unknown>): Record<string, unknown> {
  const from = activity['from'];
  const sender = typeof from === 'object' && from !== null ? (from as Record<string, unknown>) : {};
  const erased: Record<string, unknown> = { type: typeof activity['type'] === 'string' ? activity['type'] : 'message', channelData: { erased: true } };
  for (const key of ['id', 'timestamp', 'replyToId'] as const) if (activity[key] !== undefined) erased[key] = activity[key];
  erased['from'] = { ...(typeof sender['id'] === 'string' ? { id: sender['id'] } : {}), ...(typeof sender['role'] === 'string' ? { role: sender['role'] } : {}) };
  return erased;
}

/**
 * What an erased or anonymized request's `contactId` holds: it belongs to nobody any more. Erasure on
 * a beneficiary's request (src/privacy/erase.ts) and the store's retention purge both write it.
 */
export const ERASED_REQUEST_CONTACT = 'erased';

/** Stored files a transcript activity points at (`attachments[].content.fileId`, set by the adapters on receipt). */
export function attachedFileIds(activity: Record<string, unknown>): string[] {
  const attachments = activity['attachments'];
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a: unknown) => {
    const content = isPlainObject(a) ? a['content'] : undefined;
    const fileId = isPlainObject(content) ? content['fileId'] : undefined;
    return typeof fileId === 'string' ? [fileId] : [];
  });
}
