/**
 * Mongoose schemas for bookings (with their per-window place counters), volunteers and feedback.
 * Sealed fields are cipher-text strings: a booking's phone and staff note; a volunteer's name, phone,
 * field details and staff note; feedback's text and reply.
 */
import { Schema } from 'mongoose';
import { BOOKING_KINDS, BOOKING_STATUSES, FEEDBACK_KINDS, FEEDBACK_STATUSES, VOLUNTEER_FIELDS, VOLUNTEER_STATUSES } from '../record-values.js';
import type { BookingRecord, FeedbackRecord, VolunteerRecord } from '../types.js';
import { nullableDate, nullableString, requiredDate, requiredString, schemaOptions, uuidId, type AsDocument } from './schema-fields.js';

export type BookingDoc = AsDocument<BookingRecord>;
export type VolunteerDoc = AsDocument<VolunteerRecord>;
export type FeedbackDoc = AsDocument<FeedbackRecord>;

/**
 * How many places of one day's window are taken: the counter behind `reserve` and `move`, which
 * take a place with one conditional `$inc` (see booking-repository.ts). `_id` is `slotKey(day, window)`.
 */
export type BookingSlotDoc = { _id: string; day: string; window: string; count: number };

export const bookingSchema = new Schema<BookingDoc>(
  {
    _id: uuidId,
    reference: requiredString,
    contactId: nullableString,
    conversationId: requiredString,
    channel: requiredString,
    kind: { type: String, enum: BOOKING_KINDS, required: true },
    day: requiredString,
    window: requiredString,
    status: { type: String, enum: BOOKING_STATUSES, required: true },
    phone: nullableString,
    staffNote: nullableString,
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  { ...schemaOptions, collection: 'bookings' },
);
bookingSchema.index({ reference: 1 }, { unique: true });
// `countActive` and `list` by day; the counters, not this index, keep the capacity.
bookingSchema.index({ day: 1, window: 1, status: 1 });

// No default for `count`: an upsert's `$inc` creates it, and a default would clash with the `$inc`.
export const bookingSlotSchema = new Schema<BookingSlotDoc>(
  { _id: requiredString, day: requiredString, window: requiredString, count: { type: Number, required: true } },
  { ...schemaOptions, collection: 'booking_slots' },
);

export const volunteerSchema = new Schema<VolunteerDoc>(
  {
    _id: uuidId,
    contactId: nullableString,
    conversationId: requiredString,
    channel: requiredString,
    name: requiredString,
    phone: requiredString,
    city: requiredString,
    field: { type: String, enum: VOLUNTEER_FIELDS, required: true },
    fieldDetails: nullableString,
    availability: requiredString,
    status: { type: String, enum: VOLUNTEER_STATUSES, required: true },
    staffNote: nullableString,
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  { ...schemaOptions, collection: 'volunteers' },
);
volunteerSchema.index({ status: 1, createdAt: -1 });

export const feedbackSchema = new Schema<FeedbackDoc>(
  {
    _id: uuidId,
    reference: requiredString,
    contactId: nullableString,
    conversationId: requiredString,
    channel: requiredString,
    kind: { type: String, enum: FEEDBACK_KINDS, required: true },
    category: requiredString,
    text: requiredString,
    status: { type: String, enum: FEEDBACK_STATUSES, required: true },
    reply: nullableString,
    repliedBy: nullableString,
    repliedAt: nullableDate,
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  { ...schemaOptions, collection: 'feedback' },
);
feedbackSchema.index({ reference: 1 }, { unique: true });
feedbackSchema.index({ kind: 1, status: 1, createdAt: -1 });
