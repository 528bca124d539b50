/** Volunteers and feedback on MongoDB (bookings, with their place counters, are in booking-repository.ts). */
import { newFeedback, newVolunteer } from '../new-records.js';
import { ERASED_TEXT, withFreshReference } from '../record-values.js';
import type { FeedbackKind, FeedbackRepository, FeedbackStatus, VolunteerRepository } from '../types.js';
import type { MongoContext } from './conversation-repositories.js';
import { feedbackMapping, volunteerMapping } from './engagement-documents.js';
import type { FeedbackDoc, VolunteerDoc } from './engagement-models.js';
import { definedFilter, findById, insertRecord, pageOf, patchById } from './operations.js';

export function createVolunteerRepository({ models, cipher }: MongoContext): VolunteerRepository {
  const { Volunteer } = models;
  return {
    create: (input) => insertRecord(Volunteer, volunteerMapping, cipher, newVolunteer(input)),
    get: (id) => findById(Volunteer, volunteerMapping, cipher, id),
    update: (id, patch) => patchById(Volunteer, volunteerMapping, cipher, id, patch, { updatedAt: new Date() }),
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      const docs = await Volunteer.find(definedFilter({ status: filter.status, contactId: filter.contactId }))
        .sort({ createdAt: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean<VolunteerDoc[]>()
        .exec();
      return docs.map((doc) => volunteerMapping.fromDoc(doc, cipher));
    },
    count: (filter) => Volunteer.countDocuments(definedFilter({ status: filter.status })).exec(),
    async eraseByContact(contactId) {
      const update = { $set: { name: cipher.seal(ERASED_TEXT), phone: cipher.seal(ERASED_TEXT), fieldDetails: null, staffNote: null, updatedAt: new Date() } };
      return (await Volunteer.updateMany({ contactId }, update).exec()).matchedCount;
    },
  };
}

/** The query `list` and `count` share, so a count always matches the list it stands for. */
function feedbackQuery(filter: { kind?: FeedbackKind; status?: FeedbackStatus; contactId?: string }): Record<string, unknown> {
  return definedFilter({ kind: filter.kind, status: filter.status, contactId: filter.contactId });
}

export function createFeedbackRepository({ models, cipher }: MongoContext): FeedbackRepository {
  const { Feedback } = models;
  return {
    create: (input) =>
      withFreshReference((reference) => insertRecord(Feedback, feedbackMapping, cipher, newFeedback(input, reference)), 'feedback reference'),
    get: (id) => findById(Feedback, feedbackMapping, cipher, id),
    async getByReference(reference) {
      const doc = await Feedback.findOne({ reference }).lean<FeedbackDoc>().exec();
      return doc ? feedbackMapping.fromDoc(doc, cipher) : null;
    },
    update: (id, patch) => patchById(Feedback, feedbackMapping, cipher, id, patch, { updatedAt: new Date() }),
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      // Open complaints are what staff must answer first; the sort needs a computed key, hence aggregate.
      const docs = await Feedback.aggregate<FeedbackDoc>([
        { $match: feedbackQuery(filter) },
        { $addFields: { openComplaint: { $and: [{ $eq: ['$kind', 'complaint'] }, { $eq: ['$status', 'open'] }] } } },
        { $sort: { openComplaint: -1, createdAt: -1, _id: -1 } },
        // A pipeline's $limit must be positive (0 here means no limit), so stages are added only when paging.
        ...(skip === 0 ? [] : [{ $skip: skip }]),
        ...(limit === 0 ? [] : [{ $limit: limit }]),
        { $project: { openComplaint: 0 } },
      ]).exec();
      return docs.map((doc) => feedbackMapping.fromDoc(doc, cipher));
    },
    count: (filter) => Feedback.countDocuments(feedbackQuery(filter)).exec(),
    async eraseByContact(contactId) {
      const update = { $set: { text: cipher.seal(ERASED_TEXT), reply: null, updatedAt: new Date() } };
      return (await Feedback.updateMany({ contactId }, update).exec()).matchedCount;
    },
  };
}
