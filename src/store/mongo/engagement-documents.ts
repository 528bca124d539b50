/** Record <-> document mapping for bookings, volunteers and feedback (see documents.ts for the rest). */
import type { BookingRecord, FeedbackRecord, VolunteerRecord } from '../types.js';
import { openOrNull, sealOrNull, type DocumentMapping } from './documents.js';
import type { BookingDoc, FeedbackDoc, VolunteerDoc } from './engagement-models.js';

/**
 * Fields a booking update may not change. The day and window move only through `move`, which keeps
 * the place counters right; the SQLite store fixes the same fields.
 */
export const bookingMapping: DocumentMapping<BookingRecord, BookingDoc> = {
  what: 'booking',
  fixedFields: ['id', 'reference', 'contactId', 'conversationId', 'channel', 'kind', 'day', 'window', 'createdAt'],
  toDoc: ({ id, ...b }, cipher) => ({
    ...b,
    _id: id,
    phone: sealOrNull(cipher, b.phone),
    staffNote: sealOrNull(cipher, b.staffNote),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    reference: d.reference,
    contactId: d.contactId ?? null,
    conversationId: d.conversationId,
    channel: d.channel,
    kind: d.kind,
    day: d.day,
    window: d.window,
    status: d.status,
    phone: openOrNull(cipher, d.phone),
    staffNote: openOrNull(cipher, d.staffNote),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }),
};

export const volunteerMapping: DocumentMapping<VolunteerRecord, VolunteerDoc> = {
  what: 'volunteer',
  fixedFields: ['id', 'contactId', 'conversationId', 'channel', 'name', 'phone', 'city', 'field', 'fieldDetails', 'availability', 'createdAt'],
  toDoc: ({ id, ...v }, cipher) => ({
    ...v,
    _id: id,
    name: cipher.seal(v.name),
    phone: cipher.seal(v.phone),
    fieldDetails: sealOrNull(cipher, v.fieldDetails),
    staffNote: sealOrNull(cipher, v.staffNote),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    contactId: d.contactId ?? null,
    conversationId: d.conversationId,
    channel: d.channel,
    name: cipher.open(d.name),
    phone: cipher.open(d.phone),
    city: d.city,
    field: d.field,
    fieldDetails: openOrNull(cipher, d.fieldDetails),
    availability: d.availability,
    status: d.status,
    staffNote: openOrNull(cipher, d.staffNote),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }),
};

export const feedbackMapping: DocumentMapping<FeedbackRecord, FeedbackDoc> = {
  what: 'feedback',
  fixedFields: ['id', 'reference', 'contactId', 'conversationId', 'channel', 'kind', 'category', 'text', 'createdAt'],
  toDoc: ({ id, ...f }, cipher) => ({
    ...f,
    _id: id,
    text: cipher.seal(f.text),
    reply: sealOrNull(cipher, f.reply),
  }),
  fromDoc: (d, cipher) => ({
    id: d._id,
    reference: d.reference,
    contactId: d.contactId ?? null,
    conversationId: d.conversationId,
    channel: d.channel,
    kind: d.kind,
    category: d.category,
    text: cipher.open(d.text),
    status: d.status,
    reply: openOrNull(cipher, d.reply),
    repliedBy: d.repliedBy ?? null,
    repliedAt: d.repliedAt ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  }),
};
