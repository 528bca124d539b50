/**
 * Record <-> document mapping for the MongoDB store: `id` becomes `_id`, sealed fields are sealed,
 * and everything read comes back as the plain record shape both stores return.
 */
import type { Cipher } from '../../security/cipher.js';
import { defaultContactPreferences, isPlainObject, normalizeEmail, requestDocumentsFrom } from '../record-values.js';
import type {
  AuditEventRecord,
  ConsentRecord,
  ContactChannelRecord,
  ContactPreferences,
  ContactRecord,
  ConversationRecord,
  HandoffRecord,
  MessageAuthor,
  MessageDelivery,
  MessageRecord,
  StaffUserRecord,
  SupportRequestRecord,
  SurveyFollowUp,
  SurveyResponseRecord,
} from '../types.js';
import type {
  AuditEventDoc,
  ContactChannelDoc,
  ContactDoc,
  ConversationDoc,
  HandoffDoc,
  MessageDoc,
  StaffUserDoc,
  SupportRequestDoc,
  SurveyResponseDoc,
} from './models.js';

/** How one record type maps to its document; `fixedFields` are those an update may not change. */
export type DocumentMapping<R extends { id: string }, D extends { _id: string }> = {
  what: string;
  fixedFields: readonly (keyof R)[];
  toDoc(record: R, cipher: Cipher): D;
  fromDoc(doc: D, cipher: Cipher): R;
};

/** Lean documents carry subdocuments as stored; copy only the record's fields. */
function consentOrNull(value: ConsentRecord | null | undefined): ConsentRecord | null {
  return value ? { version: value.version, at: value.at, channel: value.channel } : null;
}

function authorOf(value: MessageAuthor): MessageAuthor {
  return typeof value.staffId === 'string' ? { kind: value.kind, staffId: value.staffId } : { kind: value.kind };
}

export function sealOrNull(cipher: Cipher, value: string | null): string | null {
  return value === null ? null : cipher.seal(value);
}

export function openOrNull(cipher: Cipher, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : cipher.open(value);
}

function sealJsonOrNull(cipher: Cipher, value: unknown): string | null {
  return value === null || value === undefined ? null : cipher.sealJson(value);
}

function openJsonOrNull(cipher: Cipher, value: string | null | undefined): unknown {
  return value === null || value === undefined ? null : cipher.openJson(value);
}

export function openObject(cipher: Cipher, value: string, what: string): Record<string, unknown> {
  const opened = cipher.openJson(value);
  if (!isPlainObject(opened)) throw new Error(`stored ${what} is not an object`);
  return opened;
}

/** Lean documents skip schema defaults: a contact stored before preferences existed has everything on. */
function preferencesOf(value: ContactPreferences | null | undefined): ContactPreferences {
  const defaults = defaultContactPreferences();
  return { surveys: value?.surveys ?? defaults.surveys, reminders: value?.reminders ?? defaults.reminders };
}

export const contactMapping: DocumentMapping<ContactRecord, ContactDoc> = {
  what: 'contact',
  fixedFields: ['id', 'createdAt'],
  toDoc: ({ id, ...c }, cipher) => ({
    ...c,
    _id: id,
    displayName: sealOrNull(cipher, c.displayName),
    preferences: preferencesOf(c.preferences),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    locale: d.locale ?? null,
    displayName: openOrNull(cipher, d.displayName),
    consent: consentOrNull(d.consent),
    preferences: preferencesOf(d.preferences),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }),
};

export function channelFromDoc(d: ContactChannelDoc): ContactChannelRecord {
  return { id: d._id, contactId: d.contactId, channel: d.channel, address: d.address, createdAt: d.createdAt };
}

export const conversationMapping: DocumentMapping<ConversationRecord, ConversationDoc> = {
  what: 'conversation',
  fixedFields: ['id', 'createdAt', 'lastSeq'],
  toDoc: ({ id, ...c }, cipher) => ({
    ...c,
    _id: id,
    state: sealJsonOrNull(cipher, c.state),
    reference: sealJsonOrNull(cipher, c.reference),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    channel: d.channel,
    externalId: d.externalId,
    contactId: d.contactId ?? null,
    status: d.status,
    locale: d.locale ?? null,
    state: openJsonOrNull(cipher, d.state),
    reference: openJsonOrNull(cipher, d.reference),
    tokenHash: d.tokenHash ?? null,
    tokenExpiresAt: d.tokenExpiresAt ?? null,
    processedSeq: d.processedSeq,
    lastSeq: d.lastSeq,
    erasedAt: d.erasedAt ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }),
};

/** Lean documents carry the subdocument as stored (and none at all before delivery was recorded). */
function deliveryOf(value: MessageDelivery | null | undefined): MessageDelivery | null {
  return value ? { state: value.state, at: value.at, platformId: value.platformId ?? null, error: value.error ?? null } : null;
}

export function messageToDoc(m: MessageRecord, cipher: Cipher): MessageDoc {
  return { ...m, author: authorOf(m.author), activity: cipher.sealJson(m.activity), delivery: deliveryOf(m.delivery) };
}

export function messageFromDoc(d: MessageDoc, cipher: Cipher): MessageRecord {
  return {
    conversationId: d.conversationId,
    seq: d.seq,
    direction: d.direction,
    author: authorOf(d.author),
    activity: openObject(cipher, d.activity, 'activity'),
    dedupeKey: d.dedupeKey ?? null,
    delivery: deliveryOf(d.delivery),
    createdAt: d.createdAt,
  };
}

export const supportRequestMapping: DocumentMapping<SupportRequestRecord, SupportRequestDoc> = {
  what: 'support request',
  fixedFields: ['id', 'reference', 'createdAt'],
  toDoc: ({ id, ...r }, cipher) => ({
    ...r,
    _id: id,
    answers: cipher.sealJson(r.answers),
    applicantKeys: [...r.applicantKeys],
    documents: cipher.sealJson(r.documents),
    statusNote: sealOrNull(cipher, r.statusNote),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    reference: d.reference,
    contactId: d.contactId,
    conversationId: d.conversationId ?? null,
    channel: d.channel ?? null,
    status: d.status,
    answers: openObject(cipher, d.answers, 'answers'),
    applicantKeys: [...(d.applicantKeys ?? [])],
    documents: requestDocumentsFrom(openJsonOrNull(cipher, d.documents) ?? []),
    documentsCompletedAt: d.documentsCompletedAt ?? null,
    declaration: consentOrNull(d.declaration),
    statusNote: openOrNull(cipher, d.statusNote),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    submittedAt: d.submittedAt ?? null,
  }),
};

export const handoffMapping: DocumentMapping<HandoffRecord, HandoffDoc> = {
  what: 'handoff',
  fixedFields: ['id', 'createdAt'],
  toDoc: ({ id, ...h }) => ({ ...h, _id: id }),
  fromDoc: (d) => ({
    id: d._id,
    conversationId: d.conversationId,
    contactId: d.contactId ?? null,
    reason: d.reason,
    status: d.status,
    assigneeId: d.assigneeId ?? null,
    createdAt: d.createdAt,
    claimedAt: d.claimedAt ?? null,
    resolvedAt: d.resolvedAt ?? null,
  }),
};

/** A follow-up with its note sealed (to store) or opened (to read); copied field by field either way. */
function followUpWith(value: SurveyFollowUp | null | undefined, note: (note: string | null | undefined) => string | null): SurveyFollowUp | null {
  return value
    ? { state: value.state, openedAt: value.openedAt, doneBy: value.doneBy ?? null, doneAt: value.doneAt ?? null, note: note(value.note) }
    : null;
}

export const surveyMapping: DocumentMapping<SurveyResponseRecord, SurveyResponseDoc> = {
  what: 'survey response',
  fixedFields: ['id'],
  toDoc: ({ id, ...s }, cipher) => ({
    ...s,
    _id: id,
    comment: sealOrNull(cipher, s.comment),
    followUp: followUpWith(s.followUp, (note) => sealOrNull(cipher, note ?? null)),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    contactId: d.contactId ?? null,
    conversationId: d.conversationId,
    milestone: d.milestone,
    channel: d.channel,
    staffId: d.staffId ?? null,
    rating: d.rating ?? null,
    comment: openOrNull(cipher, d.comment),
    sentAt: d.sentAt,
    answeredAt: d.answeredAt ?? null,
    followUp: followUpWith(d.followUp, (note) => openOrNull(cipher, note)),
  }),
};

export const staffMapping: DocumentMapping<StaffUserRecord, StaffUserDoc> = {
  what: 'staff user',
  fixedFields: ['id', 'createdAt'],
  toDoc: ({ id, ...s }) => ({ ...s, _id: id, email: normalizeEmail(s.email) }),
  fromDoc: (d) => ({
    id: d._id,
    email: d.email,
    passwordHash: d.passwordHash,
    role: d.role,
    displayName: d.displayName,
    active: d.active,
    failedLogins: d.failedLogins,
    lockedUntil: d.lockedUntil ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }),
};

export function auditFromDoc(d: AuditEventDoc): AuditEventRecord {
  const details = isPlainObject(d.details) ? d.details : {};
  return {
    id: d._id,
    at: d.at,
    actor: d.actor,
    action: d.action,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    details,
  };
}
