import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { contactMapping, conversationMapping, surveyMapping } from '../../src/store/mongo/documents.js';
import { createModels, type ContactDoc, type ConversationDoc, type SurveyResponseDoc } from '../../src/store/mongo/models.js';

/**
 * The MongoDB mapping without a server: documents written before a field existed, and what the
 * schema fills in. The full contract runs against a real server where MONGODB_URI is set.
 */
const cipher = createCipher(crypto.randomBytes(32));
// Never connected: models cast and validate documents offline.
const connection = mongoose.createConnection();
const models = createModels(connection);
afterAll(() => connection.close());

describe('MongoDB documents', () => {
  const contactDoc: ContactDoc = {
    _id: 'contact-1',
    locale: 'ar',
    displayName: cipher.seal('أم محمد'),
    consent: null,
    createdAt: new Date('2026-01-10T08:00:00Z'),
    updatedAt: new Date('2026-01-10T08:00:00Z'),
  };
  const surveyDoc: SurveyResponseDoc = {
    _id: 'survey-1',
    contactId: 'contact-1',
    conversationId: 'conv-1',
    milestone: 'handoff:1',
    channel: 'telegram',
    staffId: null,
    rating: 2,
    comment: null,
    sentAt: new Date('2026-01-10T09:00:00Z'),
    answeredAt: new Date('2026-01-10T09:05:00Z'),
  };

  it('reads a contact stored before preferences existed with surveys and reminders on', () => {
    expect(contactMapping.fromDoc(contactDoc, cipher)).toMatchObject({ displayName: 'أم محمد', preferences: { surveys: true, reminders: true } });
  });

  it('gives a contact document without preferences the default ones', async () => {
    const doc = new models.Contact(contactDoc);
    await doc.validate();
    expect(doc.toObject().preferences).toEqual({ surveys: true, reminders: true });
  });

  it('reads a conversation stored before erasures were marked as never erased, and keeps a mark given', async () => {
    const conversationDoc: ConversationDoc = {
      _id: 'conv-1', channel: 'telegram', externalId: 'chat-1', contactId: 'contact-1', status: 'bot', locale: 'ar', state: null, reference: null,
      tokenHash: null, tokenExpiresAt: null, processedSeq: 0, lastSeq: 0, createdAt: new Date('2026-01-10T08:00:00Z'), updatedAt: new Date('2026-01-10T08:00:00Z'),
    };
    expect(conversationMapping.fromDoc(conversationDoc, cipher).erasedAt).toBeNull();
    const doc = new models.Conversation(conversationDoc);
    await doc.validate();
    expect(doc.toObject().erasedAt).toBeNull();
    const erasedAt = new Date('2026-02-01T10:00:00Z');
    const marked = conversationMapping.toDoc({ ...conversationMapping.fromDoc(conversationDoc, cipher), erasedAt }, cipher);
    expect(new models.Conversation(marked).toObject().erasedAt).toEqual(erasedAt);
    expect(conversationMapping.fromDoc(marked, cipher).erasedAt).toEqual(erasedAt);
  });

  it('reads a survey stored before follow-ups existed as having none', () => {
    expect(surveyMapping.fromDoc(surveyDoc, cipher).followUp).toBeNull();
    expect(new models.SurveyResponse(surveyDoc).toObject().followUp).toBeNull();
  });

  it('seals the follow-up note in the document and opens it on read', async () => {
    const note = 'زوجها في المستشفى';
    const record = surveyMapping.fromDoc(surveyDoc, cipher);
    const followUp = { state: 'done' as const, openedAt: new Date(), doneBy: 'staff-1', doneAt: new Date(), note };
    const doc = surveyMapping.toDoc({ ...record, followUp }, cipher);
    expect(doc.followUp?.note).toMatch(/^v2\./);
    expect(JSON.stringify(doc)).not.toContain(note);
    const model = new models.SurveyResponse(doc);
    await model.validate();
    expect(surveyMapping.fromDoc(model.toObject(), cipher).followUp).toEqual(followUp);
  });

  it('rejects a follow-up state outside open and done', async () => {
    const doc = new models.SurveyResponse({ ...surveyDoc, followUp: { state: 'closed', openedAt: new Date(), doneBy: null, doneAt: null, note: null } });
    await expect(doc.validate()).rejects.toMatchObject({ errors: { 'followUp.state': expect.anything() } });
  });
});
