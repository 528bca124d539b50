/**
 * The defaults of a new record, shared by both stores so SQLite and MongoDB can never disagree on
 * what a fresh contact, conversation, support request, handoff, survey, staff account, audit event,
 * booking, volunteer or feedback item looks like.
 */
import crypto from 'node:crypto';
import type {
  AuditEventRecord,
  AuditRepository,
  BookingRecord,
  BookingRepository,
  ContactRecord,
  ContactRepository,
  ConversationRecord,
  ConversationRepository,
  FeedbackRecord,
  FeedbackRepository,
  HandoffRecord,
  HandoffRepository,
  MessageRecord,
  MessageRepository,
  NewSupportRequest,
  StaffRepository,
  StaffUserRecord,
  SupportRequestRecord,
  SurveyRepository,
  SurveyResponseRecord,
  VolunteerRecord,
  VolunteerRepository,
} from './types.js';
import { defaultContactPreferences } from './record-values.js';

type InputOf<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : never;

export function newContact(input: InputOf<ContactRepository['create']>, now = new Date()): ContactRecord {
  return {
    id: crypto.randomUUID(),
    locale: input.locale,
    displayName: input.displayName,
    consent: null,
    preferences: defaultContactPreferences(),
    createdAt: now,
    updatedAt: now,
  };
}

export function newConversation(input: InputOf<ConversationRepository['create']>, now = new Date()): ConversationRecord {
  return {
    id: crypto.randomUUID(),
    channel: input.channel,
    externalId: input.externalId,
    contactId: input.contactId ?? null,
    status: input.status ?? 'bot',
    locale: input.locale ?? null,
    state: null,
    reference: input.reference ?? null,
    tokenHash: input.tokenHash ?? null,
    tokenExpiresAt: input.tokenExpiresAt ?? null,
    processedSeq: 0,
    lastSeq: 0,
    erasedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A new request under `reference` (drawn by the store, see `withFreshReference`). Fields are copied
 * one by one so an untyped caller's extra properties never reach the store, and the arrays are the
 * store's own copies.
 */
export function newSupportRequest(input: NewSupportRequest, reference: string, now = new Date()): SupportRequestRecord {
  return {
    id: crypto.randomUUID(),
    reference,
    contactId: input.contactId,
    conversationId: input.conversationId,
    channel: input.channel,
    status: input.status,
    answers: input.answers,
    applicantKeys: [...input.applicantKeys],
    documents: (input.documents ?? []).map((document) => ({ ...document })),
    documentsCompletedAt: input.documentsCompletedAt ?? null,
    declaration: input.declaration,
    statusNote: input.statusNote ?? null,
    createdAt: now,
    updatedAt: now,
    submittedAt: input.submittedAt,
  };
}

export function newHandoff(input: InputOf<HandoffRepository['create']>, now = new Date()): HandoffRecord {
  return {
    id: crypto.randomUUID(),
    conversationId: input.conversationId,
    contactId: input.contactId,
    reason: input.reason,
    status: 'waiting',
    assigneeId: null,
    createdAt: now,
    claimedAt: null,
    resolvedAt: null,
  };
}

/** Fields copied one by one, so the follow-up is the store's own copy and an untyped caller's omission reads as none. */
export function newSurveyResponse(input: InputOf<SurveyRepository['create']>): SurveyResponseRecord {
  const followUp = input.followUp ?? null;
  return {
    id: crypto.randomUUID(),
    contactId: input.contactId,
    conversationId: input.conversationId,
    milestone: input.milestone,
    channel: input.channel,
    staffId: input.staffId,
    rating: input.rating,
    comment: input.comment,
    sentAt: input.sentAt,
    answeredAt: input.answeredAt,
    followUp: followUp === null ? null : { ...followUp },
  };
}

export function newStaffUser(input: InputOf<StaffRepository['create']>, now = new Date()): StaffUserRecord {
  return { ...input, id: crypto.randomUUID(), failedLogins: 0, lockedUntil: null, createdAt: now, updatedAt: now };
}

export function newAuditEvent(input: InputOf<AuditRepository['record']>): AuditEventRecord {
  return {
    id: crypto.randomUUID(),
    at: input.at ?? new Date(),
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    details: input.details,
  };
}

/**
 * A new booking under `reference` (drawn by the store), `requested` and without a staff note. Fields
 * are copied one by one, so an untyped caller's extra properties never reach the store.
 */
export function newBooking(input: InputOf<BookingRepository['reserve']>, reference: string, now = new Date()): BookingRecord {
  return {
    id: crypto.randomUUID(),
    reference,
    contactId: input.contactId,
    conversationId: input.conversationId,
    channel: input.channel,
    kind: input.kind,
    day: input.day,
    window: input.window,
    status: 'requested',
    phone: input.phone,
    staffNote: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function newVolunteer(input: InputOf<VolunteerRepository['create']>, now = new Date()): VolunteerRecord {
  return {
    id: crypto.randomUUID(),
    contactId: input.contactId,
    conversationId: input.conversationId,
    channel: input.channel,
    name: input.name,
    phone: input.phone,
    city: input.city,
    field: input.field,
    fieldDetails: input.fieldDetails,
    availability: input.availability,
    status: 'new',
    staffNote: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** A new suggestion or complaint under `reference` (drawn by the store): `open`, not yet answered. */
export function newFeedback(input: InputOf<FeedbackRepository['create']>, reference: string, now = new Date()): FeedbackRecord {
  return {
    id: crypto.randomUUID(),
    reference,
    contactId: input.contactId,
    conversationId: input.conversationId,
    channel: input.channel,
    kind: input.kind,
    category: input.category,
    text: input.text,
    status: 'open',
    reply: null,
    repliedBy: null,
    repliedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** A transcript message as appended under `seq` (both stores number it their own way). */
export function newMessage(conversationId: string, seq: number, input: Parameters<MessageRepository['append']>[1], now = new Date()): MessageRecord {
  return {
    conversationId,
    seq,
    direction: input.direction,
    author: input.author,
    activity: input.activity,
    dedupeKey: input.dedupeKey ?? null,
    delivery: input.delivery ?? null,
    createdAt: now,
  };
}
