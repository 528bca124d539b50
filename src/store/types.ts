/**
 * The store contract: the domain's records and the repositories that keep them. Two implementations
 * pass the same contract suite (tests/store/store-contract.ts): MongoDB through mongoose models (the
 * production store) and an embedded SQLite file (better-sqlite3) used when MONGODB_URI is unset.
 *
 * Words follow the field's usual vocabulary: a *contact* is the person (beneficiary), a *contact
 * channel* is their address on one channel, a *conversation* has a status that says who may speak,
 * and its *messages* are the transcript (incoming, outgoing, activity).
 *
 * Sensitive fields (marked "sealed at rest") are encrypted by the implementation with the data key;
 * callers always see plain values.
 */
import type { Locale } from '../i18n/i18n.js';

/** Who may speak in a conversation: the bot, nobody yet (waiting for a person), a person, or nobody (resolved). */
export type ConversationStatus = 'bot' | 'waiting' | 'human' | 'resolved';
export const CONVERSATION_STATUSES = ['bot', 'waiting', 'human', 'resolved'] as const;

export type ConsentRecord = { version: string; at: Date; channel: string };

/**
 * What the bot may send a contact on its own initiative: satisfaction surveys after a milestone, and
 * reminders. Both are on for a new contact (and for contacts stored before preferences existed); a
 * beneficiary can stop either. An update replaces the whole object.
 */
export type ContactPreferences = { surveys: boolean; reminders: boolean };

export type ContactRecord = {
  id: string;
  locale: Locale | null;
  /** Sealed at rest. */
  displayName: string | null;
  consent: ConsentRecord | null;
  preferences: ContactPreferences;
  createdAt: Date;
  updatedAt: Date;
};

export type ContactChannelRecord = {
  id: string;
  contactId: string;
  channel: string;
  /** The contact's address on that channel (Telegram chat id, WhatsApp number, web chat user id). */
  address: string;
  createdAt: Date;
};

export type ConversationRecord = {
  id: string;
  channel: string;
  /** The channel's own id for the conversation; unique per channel. */
  externalId: string;
  contactId: string | null;
  status: ConversationStatus;
  locale: Locale | null;
  /** Flow engine state; sealed at rest. */
  state: unknown;
  /** botbuilder ConversationReference for proactive sends; sealed at rest. */
  reference: unknown;
  /** SHA-256 of the channel token (Direct Line), never the token itself. */
  tokenHash: string | null;
  tokenExpiresAt: Date | null;
  /** Highest transcript seq of an incoming message whose turn has run. */
  processedSeq: number;
  /** Highest transcript seq written. */
  lastSeq: number;
  /**
   * When the beneficiary's data was last erased from this conversation (null: never). The record
   * lives on, but a message queued for it before this moment is never sent (a job that was running
   * while the erasure cancelled the queued ones checks it).
   */
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type MessageDirection = 'incoming' | 'outgoing' | 'activity';
export type MessageAuthor = { kind: 'beneficiary' | 'bot' | 'staff' | 'system'; staffId?: string };

/**
 * How far an outgoing message got, in order: written to the transcript but not yet handed to the
 * channel (`pending`), accepted by the platform (`sent`), on the beneficiary's device (`delivered`),
 * seen (`read`) — or refused (`failed`). Channels report what they can: web chat stops at `sent`
 * (the transcript is its wire), WhatsApp Cloud reports all four.
 */
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export type MessageDelivery = {
  state: DeliveryState;
  /** When the message reached this state (the platform's time when it gives one). */
  at: Date;
  /**
   * The platform's own id for the sent message (WhatsApp's wamid, Telegram's message_id), which its
   * later status reports name; null when the channel has none.
   */
  platformId: string | null;
  /** Why it failed, as a short code such as `TELEGRAM_SEND_FAILED 403`; never message text or personal data. */
  error: string | null;
};

export type MessageRecord = {
  conversationId: string;
  /** 1, 2, 3 … per conversation, in the order written; the Direct Line watermark. */
  seq: number;
  direction: MessageDirection;
  author: MessageAuthor;
  /** The botbuilder Activity as JSON; sealed at rest. */
  activity: Record<string, unknown>;
  /** A channel's own message id, so the same inbound message is never processed twice. */
  dedupeKey: string | null;
  /** Outgoing messages only: how far the message got (see DeliveryState); null when nobody recorded it. */
  delivery: MessageDelivery | null;
  createdAt: Date;
};

export type SupportRequestStatus =
  | 'draft'
  | 'submitted'
  | 'under_review'
  | 'needs_documents'
  | 'accepted'
  | 'rejected'
  | 'completed'
  | 'withdrawn';

/**
 * A document the beneficiary sent for a request. The file lives in `Store.files` under `fileId`;
 * `kind` is the requirement it answers (e.g. `id_copies`, `medical_reports`).
 */
export type RequestDocument = { kind: string; fileId: string; name: string; contentType: string; size: number; receivedAt: Date };

export type SupportRequestRecord = {
  id: string;
  /**
   * Given to the beneficiary to quote later: eight random digits from 2–9 as `NNNN-NNNN`
   * (e.g. `4827-5396`), so it reads aloud without O/0 or I/1 confusion and says nothing about volumes.
   */
  reference: string;
  contactId: string;
  conversationId: string | null;
  /** The channel the request was submitted on. */
  channel: string | null;
  status: SupportRequestStatus;
  /** The form's answers by field id; sealed at rest. */
  answers: Record<string, unknown>;
  /**
   * Keyed hashes (HMAC, hex) of the applicant's and the spouse's national IDs, computed by the caller,
   * so duplicates can be found without keeping IDs in the clear. One-way already, so not sealed; indexed.
   */
  applicantKeys: string[];
  /** What the beneficiary sent, in the order received; sealed at rest (file names can be personal). */
  documents: RequestDocument[];
  /** When the last required document arrived (registration complete); null until then. */
  documentsCompletedAt: Date | null;
  declaration: ConsentRecord | null;
  /** The note staff gave with the latest status change; sealed at rest. */
  statusNote: string | null;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
};

export type HandoffStatus = 'waiting' | 'active' | 'resolved';

export type HandoffRecord = {
  id: string;
  conversationId: string;
  contactId: string | null;
  reason: string;
  status: HandoffStatus;
  assigneeId: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  resolvedAt: Date | null;
};

export type SurveyFollowUpState = 'open' | 'done';

/**
 * A supervisor's task opened by a low rating (1–2): `open` until someone reaches the beneficiary,
 * then `done` with who closed it, when, and a note.
 */
export type SurveyFollowUp = {
  state: SurveyFollowUpState;
  openedAt: Date;
  /** Staff id of the person who closed it; null while open. */
  doneBy: string | null;
  doneAt: Date | null;
  /** Sealed at rest: it may describe the beneficiary's situation. */
  note: string | null;
};

export type SurveyResponseRecord = {
  id: string;
  contactId: string | null;
  conversationId: string;
  /** What the survey follows, e.g. `handoff:<id>`; unique per contact. */
  milestone: string;
  channel: string;
  staffId: string | null;
  rating: number | null;
  /** Sealed at rest. */
  comment: string | null;
  sentAt: Date;
  answeredAt: Date | null;
  /** The supervisor's follow-up of a low rating; null when none was opened. */
  followUp: SurveyFollowUp | null;
};

export type StaffRole = 'researcher' | 'officer' | 'admin';

export type StaffUserRecord = {
  id: string;
  /** Stored lower-cased; unique. */
  email: string;
  passwordHash: string;
  role: StaffRole;
  displayName: string;
  active: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type AuditEventRecord = {
  id: string;
  at: Date;
  /** `staff:<id>`, `beneficiary:<contactId>` or `system`. */
  actor: string;
  /** Stable event name, e.g. `request.status_changed`. */
  action: string;
  subjectType: string;
  subjectId: string;
  /** Never personal data: ids, statuses, field names. */
  details: Record<string, unknown>;
};

/** An in-person interview or a phone callback the beneficiary booked. */
export type BookingKind = 'interview' | 'callback';
/**
 * `requested` by the beneficiary, `confirmed` by staff, or over: `cancelled` (by either) or `done`.
 * Requested and confirmed bookings are *active*: they hold a place in their day's window.
 */
export type BookingStatus = 'requested' | 'confirmed' | 'cancelled' | 'done';

export type BookingRecord = {
  id: string;
  /** NNNN-NNNN from digits 2–9, like a request's; unique among bookings. */
  reference: string;
  contactId: string | null;
  conversationId: string;
  channel: string;
  kind: BookingKind;
  /** The day in Asia/Riyadh, 'YYYY-MM-DD'. */
  day: string;
  /** The time window's id from the configured windows, e.g. '0900-1100'. */
  window: string;
  status: BookingStatus;
  /** For a callback: the number to call (E.164); sealed at rest. */
  phone: string | null;
  /** What staff wrote when confirming, moving or cancelling (told to the beneficiary); sealed. */
  staffNote: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** The areas a volunteer can offer to help in. */
export type VolunteerField = 'medical' | 'social' | 'awareness' | 'administrative' | 'other';
/** A volunteer's application, from `new` until staff have `contacted` them and they are `active` (or `declined`). */
export type VolunteerStatus = 'new' | 'contacted' | 'active' | 'declined';

export type VolunteerRecord = {
  id: string;
  contactId: string | null;
  conversationId: string;
  channel: string;
  /** Sealed. */
  name: string;
  /** E.164; sealed. */
  phone: string;
  /** Canonical city id (e.g. 'dammam'). */
  city: string;
  field: VolunteerField;
  /** What "other" means, in their words; sealed. */
  fieldDetails: string | null;
  /** When they can help (a choice id such as 'weekday_evenings'). */
  availability: string;
  status: VolunteerStatus;
  /** Sealed. */
  staffNote: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type FeedbackKind = 'suggestion' | 'complaint';
export type FeedbackStatus = 'open' | 'answered';

export type FeedbackRecord = {
  id: string;
  /** NNNN-NNNN (digits 2–9); unique among feedback. */
  reference: string;
  contactId: string | null;
  conversationId: string;
  channel: string;
  kind: FeedbackKind;
  /** A category id, e.g. 'service', 'staff', 'procedures', 'digital', 'other'. */
  category: string;
  /** Their words; sealed. */
  text: string;
  status: FeedbackStatus;
  /** Staff's reply, sent to the beneficiary; sealed. */
  reply: string | null;
  repliedBy: string | null;
  repliedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type Page = { limit?: number; offset?: number };

/** Creating a record: the store assigns id and timestamps. */
type NewRecord<T> = Omit<T, 'id' | 'createdAt' | 'updatedAt'>;
type Patch<T> = Partial<Omit<T, 'id' | 'createdAt'>>;

export interface ContactRepository {
  create(input: Pick<ContactRecord, 'locale' | 'displayName'>): Promise<ContactRecord>;
  get(id: string): Promise<ContactRecord | null>;
  update(id: string, patch: Patch<ContactRecord>): Promise<ContactRecord>;
  /** The contact behind an address on a channel, if any. */
  findByChannelAddress(channel: string, address: string): Promise<ContactRecord | null>;
  /** Links an address to a contact; linking the same (channel, address) again returns the existing link. */
  linkChannel(contactId: string, channel: string, address: string): Promise<ContactChannelRecord>;
  listChannels(contactId: string): Promise<ContactChannelRecord[]>;
}

/** What a token check needs of a conversation. */
export type TokenHolder = Pick<ConversationRecord, 'id' | 'channel' | 'tokenExpiresAt'>;

export interface ConversationRepository {
  /** Fails with StoreConflictError when (channel, externalId) already exists. */
  create(
    input: Pick<ConversationRecord, 'channel' | 'externalId'> & Partial<Pick<ConversationRecord, 'contactId' | 'locale' | 'reference' | 'tokenHash' | 'tokenExpiresAt' | 'status'>>,
  ): Promise<ConversationRecord>;
  get(id: string): Promise<ConversationRecord | null>;
  findByExternal(channel: string, externalId: string): Promise<ConversationRecord | null>;
  /**
   * The conversation a Direct Line token opens: only what the token check and the routes need, so
   * every request does not read and open the conversation's state.
   */
  findByTokenHash(tokenHash: string): Promise<TokenHolder | null>;
  /** Fails with StoreNotFoundError for an unknown id. `lastSeq` is the messages repository's to move. */
  update(id: string, patch: Patch<Omit<ConversationRecord, 'lastSeq'>>): Promise<ConversationRecord>;
  /** Newest first. `contactId` gives one beneficiary's conversations on every channel (their data, its erasure). */
  list(filter: { status?: ConversationStatus; channel?: string; contactId?: string } & Page): Promise<ConversationRecord[]>;
  /**
   * Ids of conversations with an incoming message past `processedSeq`: stored, but its turn never
   * ran (cut off by a crash, or by Redis going away after it was stored). Least recently updated
   * first; `updatedSince` leaves out conversations untouched since then, `channels` those of other
   * channels, `storedBefore` messages stored since then (still on their way through a live receive).
   */
  listUnhandled(options: { updatedSince?: Date; storedBefore?: Date; channels?: readonly string[]; limit: number }): Promise<string[]>;
}

export interface MessageRepository {
  /**
   * Appends to a conversation's transcript with the next seq (atomic, also across processes).
   * With a `dedupeKey` already present in that conversation, nothing is written and the earlier
   * message comes back with `duplicate: true` (its delivery as it stands, not the one given).
   */
  append(
    conversationId: string,
    input: {
      direction: MessageDirection;
      author: MessageAuthor;
      activity: Record<string, unknown>;
      dedupeKey?: string | null;
      /** Defaults to null. */
      delivery?: MessageDelivery | null;
    },
  ): Promise<{ message: MessageRecord; duplicate: boolean }>;
  /** In seq order, after `afterSeq` (exclusive); `direction` filters. */
  list(conversationId: string, options?: { afterSeq?: number; direction?: MessageDirection; limit?: number }): Promise<MessageRecord[]>;
  /**
   * Moves a message's delivery forward, atomically (also across processes). Reports arrive out of
   * order (a webhook retried late, a 'delivered' after the 'read'), so a move is applied only when it
   * goes forward: pending < sent < delivered < read; `failed` replaces only pending or sent, and a
   * failed message may still move to sent, delivered or read (a retried send got through). Anything
   * else, including the same state again, leaves the message as it is. A null `platformId` keeps the
   * one stored, so later reports still find the message.
   *
   * Returns the message as stored afterwards (unchanged when the move was refused), or null when the
   * conversation has no message with that seq.
   */
  setDelivery(conversationId: string, seq: number, delivery: MessageDelivery): Promise<MessageRecord | null>;
  /**
   * The outgoing message a platform knows as `platformId`, on a conversation of `channel`; null when
   * there is none. Meant for channels whose ids are unique across chats (a WhatsApp wamid); should one
   * id match several messages, the newest wins.
   */
  findByPlatformId(channel: string, platformId: string): Promise<MessageRecord | null>;
  /**
   * Erases a conversation's transcript (the beneficiary asked for their data to be destroyed): every
   * message keeps its seq, direction, author, delivery and time, so Direct Line watermarks stay
   * consistent, but its activity becomes `erasedActivity(activity)` (record-values.ts) — ids and roles, no text, no
   * attachments, `channelData.erased: true`. Returns how many messages were erased; 0 for an unknown
   * conversation. Erasing again changes nothing.
   */
  eraseConversation(conversationId: string): Promise<number>;
}

/** Fields a request gathers later in its life; a new request starts without documents or a status note. */
type SupportRequestLaterFields = 'documents' | 'documentsCompletedAt' | 'statusNote';

/**
 * Creating a support request: the store draws the reference. `channel` and `applicantKeys` are
 * required (pass `null` / `[]` when unknown) because a forgotten key would silently defeat the
 * duplicate check; the later fields default to `[]` and `null`.
 */
export type NewSupportRequest = Omit<NewRecord<SupportRequestRecord>, 'reference' | SupportRequestLaterFields> &
  Partial<Pick<SupportRequestRecord, SupportRequestLaterFields>>;

export interface SupportRequestRepository {
  /**
   * Draws a fresh random reference; on the rare clash with an existing one it draws again, and after
   * a few clashes in a row fails with StoreConflictError.
   */
  create(input: NewSupportRequest): Promise<SupportRequestRecord>;
  get(id: string): Promise<SupportRequestRecord | null>;
  /** Exact match on the canonical `NNNN-NNNN` form; use `parseRequestReference` on typed text first. */
  getByReference(reference: string): Promise<SupportRequestRecord | null>;
  update(id: string, patch: Patch<Omit<SupportRequestRecord, 'reference'>>): Promise<SupportRequestRecord>;
  /** Newest first. */
  list(filter: { status?: SupportRequestStatus; contactId?: string } & Page): Promise<SupportRequestRecord[]>;
  /**
   * The newest open request (status in OPEN_SUPPORT_REQUEST_STATUSES) whose `applicantKeys` share at
   * least one key with `keys`: the same couple applying again while a request is still running.
   * Null for no keys.
   */
  findOpenByApplicantKeys(keys: readonly string[]): Promise<SupportRequestRecord | null>;
}

export interface HandoffRepository {
  create(input: Pick<HandoffRecord, 'conversationId' | 'contactId' | 'reason'>): Promise<HandoffRecord>;
  get(id: string): Promise<HandoffRecord | null>;
  update(id: string, patch: Patch<HandoffRecord>): Promise<HandoffRecord>;
  /** The waiting or active handoff of a conversation, if any. */
  findOpenByConversation(conversationId: string): Promise<HandoffRecord | null>;
  /** Oldest first (the queue order). */
  list(filter: { status?: HandoffStatus; assigneeId?: string } & Page): Promise<HandoffRecord[]>;
  /**
   * Makes `assigneeId` the handoff's person in one atomic step, only if it is still open and its
   * assignee is still `expectedAssigneeId` (null: nobody yet). Two people claiming at once: one wins,
   * the other gets null. The first claim time is kept.
   */
  claim(id: string, assigneeId: string, expectedAssigneeId: string | null): Promise<HandoffRecord | null>;
}

/** Which surveys `list` and `count` look at; every field set must match. */
export type SurveyFilter = {
  contactId?: string;
  /** Whether the beneficiary answered (answeredAt set). */
  answered?: boolean;
  /** Sent at or after this time. */
  since?: Date;
  /** Sent before this time (exclusive), so consecutive periods never count a survey twice. */
  until?: Date;
  /** Only surveys whose follow-up is in this state (surveys without one never match). */
  followUp?: SurveyFollowUpState;
  /** Exact milestone, e.g. `handoff:<id>`. */
  milestone?: string;
};

export interface SurveyRepository {
  /** Fails with StoreConflictError when the contact already has a survey for that milestone. Pass `followUp: null`. */
  create(input: Omit<NewRecord<SurveyResponseRecord>, never>): Promise<SurveyResponseRecord>;
  get(id: string): Promise<SurveyResponseRecord | null>;
  /** A `followUp` in the patch replaces the whole follow-up. */
  update(id: string, patch: Patch<SurveyResponseRecord>): Promise<SurveyResponseRecord>;
  /** Newest sent first. */
  list(filter: SurveyFilter & Page): Promise<SurveyResponseRecord[]>;
  /** How many surveys `list` would return for the same filter without paging (reports, the console badge). */
  count(filter: SurveyFilter): Promise<number>;
}

export interface StaffRepository {
  /** Fails with StoreConflictError for an email already used (case-insensitive). */
  create(input: Omit<NewRecord<StaffUserRecord>, 'failedLogins' | 'lockedUntil'>): Promise<StaffUserRecord>;
  get(id: string): Promise<StaffUserRecord | null>;
  findByEmail(email: string): Promise<StaffUserRecord | null>;
  update(id: string, patch: Patch<StaffUserRecord>): Promise<StaffUserRecord>;
  list(filter: Page): Promise<StaffUserRecord[]>;
  count(): Promise<number>;
}

export interface AuditRepository {
  record(input: Omit<AuditEventRecord, 'id' | 'at'> & { at?: Date }): Promise<AuditEventRecord>;
  /** Newest first. */
  list(filter: { subjectType?: string; subjectId?: string; actor?: string } & Page): Promise<AuditEventRecord[]>;
}

/** The description of a file a beneficiary sent; the bytes are fetched separately. */
export type StoredFile = {
  /** Drawn at random by the store (not guessable); appears in attachment URLs. */
  id: string;
  /** The name the beneficiary's device gave the file; personal, so sealed at rest. */
  name: string;
  contentType: string;
  /** Of the plain bytes, not of the sealed ones. */
  size: number;
  /** The conversation it was uploaded in; only that conversation may read it back. */
  conversationId: string;
  createdAt: Date;
};

/**
 * Files beneficiaries send (ID copies, medical reports). Bytes and name are sealed at rest; the
 * SQLite store keeps them in a `files` folder beside its database file, MongoDB in GridFS, so every
 * web process behind a load balancer sees the same files.
 *
 * Ids come from URLs: an unknown or malformed id reads as null (or `false` for delete), never throws.
 */
export interface FileRepository {
  put(input: { name: string; contentType: string; conversationId: string; bytes: Buffer }): Promise<StoredFile>;
  get(id: string): Promise<{ meta: StoredFile; bytes: Buffer } | null>;
  /** The description without reading the bytes. */
  meta(id: string): Promise<StoredFile | null>;
  /** True when the file was there and is now gone; false when there was none. */
  delete(id: string): Promise<boolean>;
}

/**
 * Interviews and callbacks booked into a day's time windows, each window holding `capacity` active
 * bookings (requested or confirmed) of any kind. The capacity is the caller's (from configuration),
 * passed on every call that takes a place.
 */
export interface BookingRepository {
  /**
   * Books a place when the day's window has fewer than `capacity` active bookings (requested or
   * confirmed) of any kind; atomic across processes. Null when full. The store draws the reference
   * (retried on a clash like a request's, StoreConflictError after a few clashes in a row).
   */
  reserve(
    input: Omit<BookingRecord, 'id' | 'reference' | 'status' | 'staffNote' | 'createdAt' | 'updatedAt'>,
    capacity: number,
  ): Promise<BookingRecord | null>;
  get(id: string): Promise<BookingRecord | null>;
  /** Exact match on the canonical `NNNN-NNNN` form. */
  getByReference(reference: string): Promise<BookingRecord | null>;
  /**
   * Cancelling or finishing an active booking frees its place. Setting a cancelled or done booking
   * back to requested or confirmed takes its place again without a capacity check (a staff decision).
   * Fails with StoreNotFoundError for an unknown id.
   */
  update(id: string, patch: Partial<Pick<BookingRecord, 'status' | 'staffNote' | 'phone'>>): Promise<BookingRecord>;
  /**
   * Moves a booking to another day/window if that has room (same capacity rule, the booking itself
   * not counted twice); atomic. Null when full. The old window's place is freed. Moving to the day
   * and window it already has changes nothing; a cancelled or done booking holds no place, so it
   * moves without a check. Fails with StoreNotFoundError for an unknown id.
   */
  move(id: string, to: { day: string; window: string }, capacity: number): Promise<BookingRecord | null>;
  /** Active bookings (requested + confirmed) per window of a day: { '0900-1100': 3, ... }; windows with none are left out. */
  countActive(day: string): Promise<Record<string, number>>;
  /** Soonest day first, then window, then created. `from` and `to` are days, both inclusive. */
  list(filter: { status?: BookingStatus; from?: string; to?: string; contactId?: string; kind?: BookingKind } & Page): Promise<BookingRecord[]>;
}

export interface VolunteerRepository {
  create(input: Omit<VolunteerRecord, 'id' | 'status' | 'staffNote' | 'createdAt' | 'updatedAt'>): Promise<VolunteerRecord>;
  get(id: string): Promise<VolunteerRecord | null>;
  /** Fails with StoreNotFoundError for an unknown id. */
  update(id: string, patch: Partial<Pick<VolunteerRecord, 'status' | 'staffNote'>>): Promise<VolunteerRecord>;
  /** Newest first. */
  list(filter: { status?: VolunteerStatus; contactId?: string } & Page): Promise<VolunteerRecord[]>;
  count(filter: { status?: VolunteerStatus }): Promise<number>;
  /**
   * Erases what a contact's volunteer applications say about them (their right to destruction): name
   * and phone become `ERASED_TEXT` (an empty string), field details and staff note null. Id, status, city, field,
   * availability and dates stay for the association's statistics. Returns how many were erased.
   */
  eraseByContact(contactId: string): Promise<number>;
}

export interface FeedbackRepository {
  /** The store draws the reference, as for bookings. A new item is `open`, without a reply. */
  create(
    input: Omit<FeedbackRecord, 'id' | 'reference' | 'status' | 'reply' | 'repliedBy' | 'repliedAt' | 'createdAt' | 'updatedAt'>,
  ): Promise<FeedbackRecord>;
  get(id: string): Promise<FeedbackRecord | null>;
  getByReference(reference: string): Promise<FeedbackRecord | null>;
  /** Fails with StoreNotFoundError for an unknown id. */
  update(id: string, patch: Partial<Pick<FeedbackRecord, 'status' | 'reply' | 'repliedBy' | 'repliedAt'>>): Promise<FeedbackRecord>;
  /** Open complaints first, then newest first. */
  list(filter: { kind?: FeedbackKind; status?: FeedbackStatus; contactId?: string } & Page): Promise<FeedbackRecord[]>;
  count(filter: { kind?: FeedbackKind; status?: FeedbackStatus }): Promise<number>;
  /**
   * Erases the words of a contact's suggestions and complaints: text becomes `ERASED_TEXT`, the reply
   * (which answers them) null. Reference, kind, category, status and dates stay for statistics.
   * Returns how many were erased.
   */
  eraseByContact(contactId: string): Promise<number>;
}

/**
 * How many days each kind of record is kept before `Store.purgeExpired` erases it; 0 keeps it
 * forever. The ages are counted from the record's last change (`updatedAt`), which for a decided
 * request is its decision; a message's from when it was written.
 */
export type RetentionLimits = {
  /** An unfinished application: a conversation's form state not touched for this long, and `draft` requests. */
  draftDays: number;
  /** Message contents (the transcript keeps each message's seq, ids and delivery, as erasure does). */
  transcriptDays: number;
  /** Rejected or withdrawn requests, anonymized as a decided request is on erasure (status, dates, city). */
  rejectedDays: number;
  /** The uploaded files of decided requests (accepted, rejected, completed, withdrawn). */
  documentDays: number;
};

/**
 * What one purge did, by count only (it goes to the log and the audit trail). A second purge at the
 * same time finds nothing more to do and reports zeros.
 */
export type PurgeReport = {
  /** Conversations whose form state was cleared, plus `draft` requests erased. */
  drafts: number;
  /** Messages whose contents were erased. */
  transcripts: number;
  /** Rejected or withdrawn requests anonymized. */
  rejected: number;
  /** Stored files deleted: documents of decided requests, of anonymized ones, and files only an erased message named. */
  documents: number;
};

/** Everything the bot keeps. Built by `createStore`; closed by the composition root. */
export interface Store {
  readonly kind: 'sqlite' | 'mongo';
  readonly contacts: ContactRepository;
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  readonly supportRequests: SupportRequestRepository;
  readonly handoffs: HandoffRepository;
  readonly surveys: SurveyRepository;
  readonly staff: StaffRepository;
  readonly audit: AuditRepository;
  readonly files: FileRepository;
  readonly bookings: BookingRepository;
  readonly volunteers: VolunteerRepository;
  readonly feedback: FeedbackRepository;
  /**
   * Data retention: erases in place whatever is older than `limits` at `now` — clears stale form
   * state, erases old message contents (`erasedActivity`, like the right to destruction), anonymizes
   * old rejected and withdrawn requests, deletes the files of long-decided requests. Audit events
   * are never touched, and timestamps are left as they were (a purge is not activity). Running it
   * again at the same `now` changes nothing. Called by the scheduled `retention` job.
   */
  purgeExpired(limits: RetentionLimits, now: Date): Promise<PurgeReport>;
  /** Resolves when the store answers; rejects otherwise (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
