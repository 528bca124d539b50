/**
 * The defaults of a new record, shared by both stores so SQLite and MongoDB can never disagree on
 * what a fresh contact, conversation, handoff, staff account or audit event looks like.
 */
import crypto from 'node:crypto';
import type {
  AuditEventRecord,
  AuditRepository,
  ContactRecord,
  ContactRepository,
  ConversationRecord,
  ConversationRepository,
  HandoffRecord,
  HandoffRepository,
  StaffRepository,
  StaffUserRecord,
} from './types.js';

type InputOf<F> = F extends (input: infer I) => unknown ? I : never;

export function newContact(input: InputOf<ContactRepository['create']>, now = new Date()): ContactRecord {
  return { id: crypto.randomUUID(), locale: input.locale, displayName: input.displayName, consent: null, createdAt: now, updatedAt: now };
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
    createdAt: now,
    updatedAt: now,
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
