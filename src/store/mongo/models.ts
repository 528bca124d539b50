/**
 * Mongoose schemas for the MongoDB store. Documents keep the record field names (with `_id` for
 * `id`), so mapping stays one-to-one; sealed fields are cipher-text strings, dates are BSON dates.
 * Timestamps are set by the store rather than mongoose, so both stores stamp the same way.
 */
import mongoose, { Schema } from 'mongoose';
import { LOCALES, type Locale } from '../../i18n/i18n.js';
import {
  AUTHOR_KINDS,
  defaultContactPreferences,
  DELIVERY_STATES,
  HANDOFF_STATUSES,
  MESSAGE_DIRECTIONS,
  STAFF_ROLES,
  SUPPORT_REQUEST_STATUSES,
  SURVEY_FOLLOW_UP_STATES,
} from '../record-values.js';
import {
  CONVERSATION_STATUSES,
  type AuditEventRecord,
  type ConsentRecord,
  type ContactChannelRecord,
  type ContactPreferences,
  type ConversationStatus,
  type HandoffRecord,
  type MessageAuthor,
  type MessageDelivery,
  type MessageDirection,
  type StaffUserRecord,
  type SupportRequestStatus,
  type SurveyFollowUp,
  type SurveyResponseRecord,
} from '../types.js';
import {
  bookingSchema,
  bookingSlotSchema,
  feedbackSchema,
  volunteerSchema,
  type BookingDoc,
  type BookingSlotDoc,
  type FeedbackDoc,
  type VolunteerDoc,
} from './engagement-models.js';
import { nullableDate, nullableString, requiredDate, requiredString, schemaOptions, uuidId, type AsDocument } from './schema-fields.js';

export type ContactDoc = {
  _id: string;
  locale: Locale | null;
  /** Sealed. */
  displayName: string | null;
  consent: ConsentRecord | null;
  /** Missing on documents written before preferences existed; read as everything on. */
  preferences?: ContactPreferences;
  createdAt: Date;
  updatedAt: Date;
};
export type ContactChannelDoc = AsDocument<ContactChannelRecord>;
export type ConversationDoc = {
  _id: string;
  channel: string;
  externalId: string;
  contactId: string | null;
  status: ConversationStatus;
  locale: Locale | null;
  /** Sealed JSON. */
  state: string | null;
  /** Sealed JSON. */
  reference: string | null;
  tokenHash: string | null;
  tokenExpiresAt: Date | null;
  processedSeq: number;
  lastSeq: number;
  /** Missing on documents written before erasures were marked; read as never erased. */
  erasedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
};
export type MessageDoc = {
  conversationId: string;
  seq: number;
  direction: MessageDirection;
  author: MessageAuthor;
  /** Sealed JSON. */
  activity: string;
  dedupeKey: string | null;
  /** Missing on documents written before delivery was recorded; read as null. */
  delivery?: MessageDelivery | null;
  createdAt: Date;
  /** When the contents were erased (erasure or retention); missing or null while they are not. */
  erasedAt?: Date | null;
};
/**
 * Documents written before `channel`, `applicantKeys`, `documents`, `documentsCompletedAt` and
 * `statusNote` existed lack them; reads treat a missing value as null or empty.
 */
export type SupportRequestDoc = {
  _id: string;
  reference: string;
  contactId: string;
  conversationId: string | null;
  channel: string | null;
  status: SupportRequestStatus;
  /** Sealed JSON. */
  answers: string;
  applicantKeys: string[];
  /** Sealed JSON list of RequestDocument. */
  documents: string | null;
  documentsCompletedAt: Date | null;
  declaration: ConsentRecord | null;
  /** Sealed. */
  statusNote: string | null;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
};
export type HandoffDoc = AsDocument<HandoffRecord>;
/** `comment` and `followUp.note` are sealed; `followUp` is missing on documents written before it existed (read as null). */
export type SurveyResponseDoc = Omit<AsDocument<SurveyResponseRecord>, 'followUp'> & { followUp?: SurveyFollowUp | null };
export type StaffUserDoc = AsDocument<StaffUserRecord>;
export type AuditEventDoc = AsDocument<AuditEventRecord>;

const consentSchema = new Schema<ConsentRecord>(
  { version: requiredString, at: requiredDate, channel: requiredString },
  { _id: false },
);
const authorSchema = new Schema<MessageAuthor>(
  { kind: { type: String, enum: AUTHOR_KINDS, required: true }, staffId: { type: String } },
  { _id: false },
);

const deliverySchema = new Schema<MessageDelivery>(
  {
    state: { type: String, enum: DELIVERY_STATES, required: true },
    at: requiredDate,
    platformId: nullableString,
    error: nullableString,
  },
  { _id: false },
);

const preferencesSchema = new Schema<ContactPreferences>(
  { surveys: { type: Boolean, required: true, default: true }, reminders: { type: Boolean, required: true, default: true } },
  { _id: false },
);

const followUpSchema = new Schema<SurveyFollowUp>(
  {
    state: { type: String, enum: SURVEY_FOLLOW_UP_STATES, required: true },
    openedAt: requiredDate,
    doneBy: nullableString,
    doneAt: nullableDate,
    note: nullableString,
  },
  { _id: false },
);

const contactSchema = new Schema<ContactDoc>(
  {
    _id: uuidId,
    locale: { type: String, enum: LOCALES, default: null },
    displayName: nullableString,
    consent: { type: consentSchema, default: null },
    preferences: { type: preferencesSchema, default: defaultContactPreferences },
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  { ...schemaOptions, collection: 'contacts' },
);

const contactChannelSchema = new Schema<ContactChannelDoc>(
  { _id: uuidId, contactId: requiredString, channel: requiredString, address: requiredString, createdAt: requiredDate },
  { ...schemaOptions, collection: 'contact_channels' },
);
contactChannelSchema.index({ channel: 1, address: 1 }, { unique: true });
contactChannelSchema.index({ contactId: 1 });

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: uuidId,
    channel: requiredString,
    externalId: requiredString,
    contactId: nullableString,
    status: { type: String, enum: CONVERSATION_STATUSES, required: true },
    locale: { type: String, enum: LOCALES, default: null },
    state: nullableString,
    reference: nullableString,
    tokenHash: nullableString,
    tokenExpiresAt: nullableDate,
    processedSeq: { type: Number, required: true, default: 0 },
    lastSeq: { type: Number, required: true, default: 0 },
    erasedAt: nullableDate,
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  { ...schemaOptions, collection: 'conversations' },
);
conversationSchema.index({ channel: 1, externalId: 1 }, { unique: true });
conversationSchema.index({ tokenHash: 1 }, { sparse: true });
conversationSchema.index({ status: 1, createdAt: -1 });
// The turn sweeper's look at recently changed conversations.
conversationSchema.index({ updatedAt: 1 });

const messageSchema = new Schema<MessageDoc>(
  {
    conversationId: requiredString,
    seq: { type: Number, required: true },
    direction: { type: String, enum: MESSAGE_DIRECTIONS, required: true },
    author: { type: authorSchema, required: true },
    activity: requiredString,
    dedupeKey: nullableString,
    delivery: { type: deliverySchema, default: null },
    createdAt: requiredDate,
    erasedAt: nullableDate,
  },
  { ...schemaOptions, collection: 'messages' },
);
// The retention purge's query: messages not erased yet (null or missing), written before a cutoff.
messageSchema.index({ erasedAt: 1, createdAt: 1 });
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// Partial, not sparse: messages without a dedupe key hold null, and nulls must not collide.
messageSchema.index(
  { conversationId: 1, dedupeKey: 1 },
  { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } },
);
// A platform's status report names only its own id for the message; partial, so the many messages
// without one cost nothing. Not unique: ids are the platform's, and the store does not vouch for them.
messageSchema.index({ 'delivery.platformId': 1 }, { partialFilterExpression: { 'delivery.platformId': { $type: 'string' } } });

const supportRequestSchema = new Schema<SupportRequestDoc>(
  {
    _id: uuidId,
    reference: requiredString,
    contactId: requiredString,
    conversationId: nullableString,
    channel: nullableString,
    status: { type: String, enum: SUPPORT_REQUEST_STATUSES, required: true },
    answers: requiredString,
    applicantKeys: { type: [String], default: [] },
    documents: nullableString,
    documentsCompletedAt: nullableDate,
    declaration: { type: consentSchema, default: null },
    statusNote: nullableString,
    createdAt: requiredDate,
    updatedAt: requiredDate,
    submittedAt: nullableDate,
  },
  { ...schemaOptions, collection: 'support_requests' },
);
supportRequestSchema.index({ reference: 1 }, { unique: true });
supportRequestSchema.index({ contactId: 1, createdAt: -1 });
supportRequestSchema.index({ status: 1, createdAt: -1 });
// Multikey: one index entry per applicant key, so `findOpenByApplicantKeys` is an index lookup.
supportRequestSchema.index({ applicantKeys: 1, createdAt: -1 });

const handoffSchema = new Schema<HandoffDoc>(
  {
    _id: uuidId,
    conversationId: requiredString,
    contactId: nullableString,
    reason: requiredString,
    status: { type: String, enum: HANDOFF_STATUSES, required: true },
    assigneeId: nullableString,
    createdAt: requiredDate,
    claimedAt: nullableDate,
    resolvedAt: nullableDate,
  },
  { ...schemaOptions, collection: 'handoffs' },
);
handoffSchema.index({ conversationId: 1, status: 1 });
handoffSchema.index({ status: 1, createdAt: 1 });

const surveyResponseSchema = new Schema<SurveyResponseDoc>(
  {
    _id: uuidId,
    contactId: nullableString,
    conversationId: requiredString,
    milestone: requiredString,
    channel: requiredString,
    staffId: nullableString,
    rating: { type: Number, default: null },
    comment: nullableString,
    sentAt: requiredDate,
    answeredAt: nullableDate,
    followUp: { type: followUpSchema, default: null },
  },
  { ...schemaOptions, collection: 'survey_responses' },
);
// The satisfaction report reads surveys sent in a period; the console badge counts open follow-ups.
surveyResponseSchema.index({ sentAt: -1 });
surveyResponseSchema.index({ 'followUp.state': 1, sentAt: -1 });
// One survey per contact and milestone; surveys without a contact never collide (as in SQLite).
surveyResponseSchema.index(
  { contactId: 1, milestone: 1 },
  { unique: true, partialFilterExpression: { contactId: { $type: 'string' } } },
);

const staffUserSchema = new Schema<StaffUserDoc>(
  {
    _id: uuidId,
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: requiredString,
    role: { type: String, enum: STAFF_ROLES, required: true },
    displayName: requiredString,
    active: { type: Boolean, required: true },
    failedLogins: { type: Number, required: true, default: 0 },
    lockedUntil: nullableDate,
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  { ...schemaOptions, collection: 'staff_users' },
);
staffUserSchema.index({ email: 1 }, { unique: true });

const auditEventSchema = new Schema<AuditEventDoc>(
  {
    _id: uuidId,
    at: requiredDate,
    actor: requiredString,
    action: requiredString,
    subjectType: requiredString,
    subjectId: requiredString,
    details: { type: Schema.Types.Mixed, required: true },
  },
  { ...schemaOptions, collection: 'audit_events' },
);
auditEventSchema.index({ subjectType: 1, subjectId: 1, at: -1 });
auditEventSchema.index({ actor: 1, at: -1 });

/** Registers every model on `connection` (never on mongoose's global connection), so stores stay independent. */
export function createModels(connection: mongoose.Connection) {
  return {
    Contact: connection.model<ContactDoc>('Contact', contactSchema),
    ContactChannel: connection.model<ContactChannelDoc>('ContactChannel', contactChannelSchema),
    Conversation: connection.model<ConversationDoc>('Conversation', conversationSchema),
    Message: connection.model<MessageDoc>('Message', messageSchema),
    SupportRequest: connection.model<SupportRequestDoc>('SupportRequest', supportRequestSchema),
    Handoff: connection.model<HandoffDoc>('Handoff', handoffSchema),
    SurveyResponse: connection.model<SurveyResponseDoc>('SurveyResponse', surveyResponseSchema),
    StaffUser: connection.model<StaffUserDoc>('StaffUser', staffUserSchema),
    AuditEvent: connection.model<AuditEventDoc>('AuditEvent', auditEventSchema),
    Booking: connection.model<BookingDoc>('Booking', bookingSchema),
    BookingSlot: connection.model<BookingSlotDoc>('BookingSlot', bookingSlotSchema),
    Volunteer: connection.model<VolunteerDoc>('Volunteer', volunteerSchema),
    Feedback: connection.model<FeedbackDoc>('Feedback', feedbackSchema),
  };
}

export type Models = ReturnType<typeof createModels>;
