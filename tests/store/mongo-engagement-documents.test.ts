import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { slotKey } from '../../src/store/mongo/booking-repository.js';
import { bookingMapping, feedbackMapping, volunteerMapping } from '../../src/store/mongo/engagement-documents.js';
import { createModels } from '../../src/store/mongo/models.js';
import type { BookingRecord, FeedbackRecord, VolunteerRecord } from '../../src/store/types.js';

/**
 * The MongoDB mapping of bookings, volunteers and feedback without a server: what is sealed in the
 * document, what the schema accepts, and the keys of the place counters. The full contract runs
 * against a real server where MONGODB_URI is set.
 */
const cipher = createCipher(crypto.randomBytes(32));
// Never connected: models cast and validate documents offline.
const connection = mongoose.createConnection();
const models = createModels(connection);
afterAll(() => connection.close());

const at = new Date('2026-05-01T08:00:00.000Z');
const sealed = expect.stringMatching(/^v2\./);

const booking: BookingRecord = {
  id: 'booking-1',
  reference: '4827-5396',
  contactId: 'contact-1',
  conversationId: 'conv-1',
  channel: 'whatsapp',
  kind: 'callback',
  day: '2026-05-03',
  window: '0900-1100',
  status: 'confirmed',
  phone: '+966512345678',
  staffNote: 'سنتصل بك صباحًا',
  createdAt: at,
  updatedAt: at,
};

const volunteer: VolunteerRecord = {
  id: 'volunteer-1',
  contactId: null,
  conversationId: 'conv-1',
  channel: 'telegram',
  name: 'نورة العتيبي',
  phone: '+966587654321',
  city: 'dammam',
  field: 'other',
  fieldDetails: 'تصوير الفعاليات',
  availability: 'weekends',
  status: 'new',
  staffNote: null,
  createdAt: at,
  updatedAt: at,
};

const feedback: FeedbackRecord = {
  id: 'feedback-1',
  reference: '2345-6789',
  contactId: 'contact-1',
  conversationId: 'conv-1',
  channel: 'webchat',
  kind: 'complaint',
  category: 'staff',
  text: 'انتظرت ساعتين',
  status: 'answered',
  reply: 'نعتذر',
  repliedBy: 'staff-1',
  repliedAt: at,
  createdAt: at,
  updatedAt: at,
};

describe('MongoDB documents of bookings, volunteers and feedback', () => {
  it("seals a booking's phone and staff note, and reads the record back through the model", async () => {
    const doc = bookingMapping.toDoc(booking, cipher);
    expect(doc).toMatchObject({ _id: 'booking-1', phone: sealed, staffNote: sealed, day: '2026-05-03', window: '0900-1100' });
    for (const secret of ['512345678', 'صباحًا']) expect(JSON.stringify(doc)).not.toContain(secret);
    const model = new models.Booking(doc);
    await model.validate();
    expect(bookingMapping.fromDoc(model.toObject(), cipher)).toEqual(booking);
    const interview = { ...booking, kind: 'interview' as const, phone: null, staffNote: null };
    expect(bookingMapping.fromDoc(bookingMapping.toDoc(interview, cipher), cipher)).toEqual(interview);
  });

  it("seals a volunteer's name, phone and field details, and reads the record back through the model", async () => {
    const doc = volunteerMapping.toDoc(volunteer, cipher);
    expect(doc).toMatchObject({ name: sealed, phone: sealed, fieldDetails: sealed, staffNote: null, city: 'dammam' });
    for (const secret of ['نورة', '587654321', 'تصوير']) expect(JSON.stringify(doc)).not.toContain(secret);
    const model = new models.Volunteer(doc);
    await model.validate();
    expect(volunteerMapping.fromDoc(model.toObject(), cipher)).toEqual(volunteer);
  });

  it("seals feedback's text and reply, and reads the record back through the model", async () => {
    const doc = feedbackMapping.toDoc(feedback, cipher);
    expect(doc).toMatchObject({ text: sealed, reply: sealed, repliedBy: 'staff-1', kind: 'complaint' });
    for (const secret of ['ساعتين', 'نعتذر']) expect(JSON.stringify(doc)).not.toContain(secret);
    const model = new models.Feedback(doc);
    await model.validate();
    expect(feedbackMapping.fromDoc(model.toObject(), cipher)).toEqual(feedback);
  });

  it('keeps update away from what only reserve and move may set', () => {
    for (const field of ['day', 'window', 'reference', 'kind'] as const) expect(bookingMapping.fixedFields).toContain(field);
    for (const field of ['status', 'staffNote', 'phone'] as const) expect(bookingMapping.fixedFields).not.toContain(field);
    for (const field of ['text', 'reference', 'kind'] as const) expect(feedbackMapping.fixedFields).toContain(field);
    for (const field of ['name', 'phone', 'field'] as const) expect(volunteerMapping.fixedFields).toContain(field);
  });

  it('rejects statuses, kinds and fields outside the lists', async () => {
    const badBooking = new models.Booking({ ...bookingMapping.toDoc(booking, cipher), status: 'pending', kind: 'visit' });
    await expect(badBooking.validate()).rejects.toMatchObject({ errors: { status: expect.anything(), kind: expect.anything() } });
    const badVolunteer = new models.Volunteer({ ...volunteerMapping.toDoc(volunteer, cipher), field: 'legal', status: 'waiting' });
    await expect(badVolunteer.validate()).rejects.toMatchObject({ errors: { field: expect.anything(), status: expect.anything() } });
    const badFeedback = new models.Feedback({ ...feedbackMapping.toDoc(feedback, cipher), kind: 'praise', status: 'closed' });
    await expect(badFeedback.validate()).rejects.toMatchObject({ errors: { kind: expect.anything(), status: expect.anything() } });
  });

  it('keeps one place counter per day and window, in booking_slots', async () => {
    expect(slotKey('2026-05-03', '0900-1100')).not.toBe(slotKey('2026-05-03', '1100-1300'));
    expect(slotKey('2026-05-03', '0900-1100')).not.toBe(slotKey('2026-05-04', '0900-1100'));
    // No pair can spell another pair's key, whatever the separators in a window id.
    expect(slotKey('a|b', 'c')).not.toBe(slotKey('a', 'b|c'));
    expect(models.BookingSlot.collection.collectionName).toBe('booking_slots');
    const slot = new models.BookingSlot({ _id: slotKey('2026-05-03', '0900-1100'), day: '2026-05-03', window: '0900-1100', count: 2 });
    await slot.validate();
    // No default count: the upsert's $inc creates it, and a default would clash with that $inc.
    expect(new models.BookingSlot({ _id: 'x', day: 'd', window: 'w' }).toObject().count).toBeUndefined();
  });

  it('declares the unique references and the indexes the lists use', () => {
    const indexes = (schema: mongoose.Schema) => schema.indexes().map(([fields, options]) => ({ fields, unique: options['unique'] === true }));
    expect(indexes(models.Booking.schema)).toEqual(
      expect.arrayContaining([
        { fields: { reference: 1 }, unique: true },
        { fields: { day: 1, window: 1, status: 1 }, unique: false },
      ]),
    );
    expect(indexes(models.Feedback.schema)).toEqual(
      expect.arrayContaining([
        { fields: { reference: 1 }, unique: true },
        { fields: { kind: 1, status: 1, createdAt: -1 }, unique: false },
      ]),
    );
    expect(indexes(models.Volunteer.schema)).toEqual(
      expect.arrayContaining([{ fields: { status: 1, createdAt: -1 }, unique: false }]),
    );
  });
});
