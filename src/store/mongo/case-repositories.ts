/** Support requests, handoffs, surveys, staff and the audit trail on MongoDB. */
import { normalizeEmail, OPEN_HANDOFF_STATUSES, OPEN_SUPPORT_REQUEST_STATUSES, withFreshReference } from '../record-values.js';
import type {
  AuditRepository,
  HandoffRepository,
  StaffRepository,
  SupportRequestRepository,
  SurveyFilter,
  SurveyRepository,
} from '../types.js';
import type { MongoContext } from './conversation-repositories.js';
import { auditFromDoc, handoffMapping, staffMapping, supportRequestMapping, surveyMapping } from './documents.js';
import type { AuditEventDoc, HandoffDoc, StaffUserDoc, SupportRequestDoc, SurveyResponseDoc } from './models.js';
import { definedFilter, findById, insertRecord, pageOf, patchById } from './operations.js';
import { newAuditEvent, newHandoff, newStaffUser, newSupportRequest, newSurveyResponse } from '../new-records.js';

export function createSupportRequestRepository({ models, cipher }: MongoContext): SupportRequestRepository {
  const { SupportRequest } = models;
  return {
    create: (input) =>
      withFreshReference((reference) => insertRecord(SupportRequest, supportRequestMapping, cipher, newSupportRequest(input, reference))),
    get: (id) => findById(SupportRequest, supportRequestMapping, cipher, id),
    async getByReference(reference) {
      const doc = await SupportRequest.findOne({ reference }).lean<SupportRequestDoc>().exec();
      return doc ? supportRequestMapping.fromDoc(doc, cipher) : null;
    },
    update: (id, patch) => patchById(SupportRequest, supportRequestMapping, cipher, id, patch, { updatedAt: new Date() }),
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      const docs = await SupportRequest.find(definedFilter({ status: filter.status, contactId: filter.contactId }))
        .sort({ createdAt: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean<SupportRequestDoc[]>()
        .exec();
      return docs.map((doc) => supportRequestMapping.fromDoc(doc, cipher));
    },
    async findOpenByApplicantKeys(keys) {
      if (keys.length === 0) return null;
      const doc = await SupportRequest.findOne({ applicantKeys: { $in: [...keys] }, status: { $in: [...OPEN_SUPPORT_REQUEST_STATUSES] } })
        .sort({ createdAt: -1, _id: -1 })
        .lean<SupportRequestDoc>()
        .exec();
      return doc ? supportRequestMapping.fromDoc(doc, cipher) : null;
    },
  };
}

export function createHandoffRepository({ models, cipher }: MongoContext): HandoffRepository {
  const { Handoff } = models;
  return {
    create: (input) => insertRecord(Handoff, handoffMapping, cipher, newHandoff(input)),
    get: (id) => findById(Handoff, handoffMapping, cipher, id),
    update: (id, patch) => patchById(Handoff, handoffMapping, cipher, id, patch),
    async claim(id, assigneeId, expectedAssigneeId) {
      const now = new Date();
      const doc = await Handoff.findOneAndUpdate(
        { _id: id, status: { $ne: 'resolved' }, assigneeId: expectedAssigneeId },
        [{ $set: { status: 'active', assigneeId, claimedAt: { $ifNull: ['$claimedAt', now] } } }],
        { new: true, updatePipeline: true },
      )
        .lean<HandoffDoc>()
        .exec();
      return doc ? handoffMapping.fromDoc(doc, cipher) : null;
    },
    async findOpenByConversation(conversationId) {
      const doc = await Handoff.findOne({ conversationId, status: { $in: [...OPEN_HANDOFF_STATUSES] } })
        .sort({ createdAt: -1, _id: -1 })
        .lean<HandoffDoc>()
        .exec();
      return doc ? handoffMapping.fromDoc(doc, cipher) : null;
    },
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      // Oldest first: the queue is served in the order people asked.
      const docs = await Handoff.find(definedFilter({ status: filter.status, assigneeId: filter.assigneeId }))
        .sort({ createdAt: 1, _id: 1 })
        .skip(skip)
        .limit(limit)
        .lean<HandoffDoc[]>()
        .exec();
      return docs.map((doc) => handoffMapping.fromDoc(doc, cipher));
    },
  };
}

/** The query `list` and `count` share, so a count always matches the list it stands for. */
function surveyQuery(filter: SurveyFilter): Record<string, unknown> {
  const answered = filter.answered === undefined ? undefined : filter.answered ? { $ne: null } : null;
  const sentAt = definedFilter({ $gte: filter.since, $lt: filter.until });
  return definedFilter({
    contactId: filter.contactId,
    answeredAt: answered,
    sentAt: Object.keys(sentAt).length === 0 ? undefined : sentAt,
    // Surveys stored before follow-ups existed have no `followUp` field, so they never match a state.
    'followUp.state': filter.followUp,
    milestone: filter.milestone,
  });
}

export function createSurveyRepository({ models, cipher }: MongoContext): SurveyRepository {
  const { SurveyResponse } = models;
  return {
    create: (input) => insertRecord(SurveyResponse, surveyMapping, cipher, newSurveyResponse(input)),
    get: (id) => findById(SurveyResponse, surveyMapping, cipher, id),
    update: (id, patch) => patchById(SurveyResponse, surveyMapping, cipher, id, patch),
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      const docs = await SurveyResponse.find(surveyQuery(filter))
        .sort({ sentAt: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean<SurveyResponseDoc[]>()
        .exec();
      return docs.map((doc) => surveyMapping.fromDoc(doc, cipher));
    },
    count: (filter) => SurveyResponse.countDocuments(surveyQuery(filter)).exec(),
  };
}

export function createStaffRepository({ models, cipher }: MongoContext): StaffRepository {
  const { StaffUser } = models;
  return {
    async create(input) {
      // The mapping lower-cases the email, so the unique index is case-insensitive in effect.
      return insertRecord(StaffUser, staffMapping, cipher, newStaffUser(input));
    },
    get: (id) => findById(StaffUser, staffMapping, cipher, id),
    async findByEmail(email) {
      const doc = await StaffUser.findOne({ email: normalizeEmail(email) }).lean<StaffUserDoc>().exec();
      return doc ? staffMapping.fromDoc(doc, cipher) : null;
    },
    update: (id, patch) => patchById(StaffUser, staffMapping, cipher, id, patch, { updatedAt: new Date() }),
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      // By email: a stable order with no ties, which is what an admin list wants.
      const docs = await StaffUser.find().sort({ email: 1 }).skip(skip).limit(limit).lean<StaffUserDoc[]>().exec();
      return docs.map((doc) => staffMapping.fromDoc(doc, cipher));
    },
    count: () => StaffUser.countDocuments().exec(),
  };
}

/** Audit events are only ever appended and read, so there is no update path. */
export function createAuditRepository({ models }: MongoContext): AuditRepository {
  const { AuditEvent } = models;
  return {
    async record(input) {
      const { id, ...event } = newAuditEvent(input);
      const doc: AuditEventDoc = { _id: id, ...event };
      await AuditEvent.create(doc);
      return auditFromDoc(doc);
    },
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      const docs = await AuditEvent.find(definedFilter({ subjectType: filter.subjectType, subjectId: filter.subjectId, actor: filter.actor }))
        .sort({ at: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean<AuditEventDoc[]>()
        .exec();
      return docs.map(auditFromDoc);
    },
  };
}
