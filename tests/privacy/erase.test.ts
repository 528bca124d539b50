import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decidedReferences, ERASED_CONTACT_ID, eraseContactData } from '../../src/privacy/erase.js';
import { createCipher } from '../../src/security/cipher.js';
import { LocalTurnLock } from '../../src/turn/turn-lock.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store, SupportRequestStatus } from '../../src/store/types.js';

const NATIONAL_ID = '1058529940';
let dir: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-erase-'));
  store = createSqliteStore({ file: path.join(dir, 'injab.sqlite'), cipher: createCipher(crypto.randomBytes(32)) });
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A contact with a conversation, a transcript with a file, two requests, a booking, a volunteer record, feedback and a survey. */
async function beneficiary(decided: SupportRequestStatus = 'accepted') {
  const contact = await store.contacts.create({ locale: 'ar', displayName: 'خالد' });
  await store.contacts.update(contact.id, { consent: { version: 'v1', at: new Date(), channel: 'webchat' } });
  const conversation = await store.conversations.create({ channel: 'directline', externalId: `x-${contact.id}`, contactId: contact.id });
  await store.conversations.update(conversation.id, { state: { v: 1, frame: { flow: 'support_request', data: { national_id: NATIONAL_ID } } } });
  const loose = await store.files.put({ name: 'تقرير.pdf', contentType: 'application/pdf', conversationId: conversation.id, bytes: Buffer.from('loose bytes') });
  const attached = await store.files.put({ name: 'هوية.pdf', contentType: 'application/pdf', conversationId: conversation.id, bytes: Buffer.from('id bytes') });
  await store.messages.append(conversation.id, {
    direction: 'incoming',
    author: { kind: 'beneficiary' },
    activity: { type: 'message', id: 'm1', text: NATIONAL_ID, attachments: [{ name: 'تقرير.pdf', content: { fileId: loose.id } }] },
  });
  const request = (status: SupportRequestStatus) =>
    store.supportRequests.create({
      contactId: contact.id,
      conversationId: conversation.id,
      channel: 'webchat',
      status,
      answers: { applicant_name: 'خالد سعد الدوسري', national_id: NATIONAL_ID, city: 'dammam', income: 4000 },
      applicantKeys: ['key-1'],
      declaration: null,
      submittedAt: new Date(),
    });
  const open = await request('under_review');
  const kept = await store.supportRequests.update((await request(decided)).id, {
    documents: [{ kind: 'id_copies', fileId: attached.id, name: 'هوية.pdf', contentType: 'application/pdf', size: 8, receivedAt: new Date() }],
    statusNote: 'اتصلنا بخالد',
  });
  const booking = await store.bookings.reserve(
    { contactId: contact.id, conversationId: conversation.id, channel: 'webchat', kind: 'callback', day: '2030-01-06', window: '0900-1100', phone: '+966501234567' },
    5,
  );
  const volunteer = await store.volunteers.create({
    contactId: contact.id,
    conversationId: conversation.id,
    channel: 'webchat',
    name: 'خالد',
    phone: '+966501234567',
    city: 'dammam',
    field: 'social',
    fieldDetails: null,
    availability: 'weekends',
  });
  const feedback = await store.feedback.create({ contactId: contact.id, conversationId: conversation.id, channel: 'webchat', kind: 'complaint', category: 'service', text: 'أنا خالد' });
  const survey = await store.surveys.create({
    contactId: contact.id,
    conversationId: conversation.id,
    milestone: 'handoff:1',
    channel: 'webchat',
    staffId: null,
    rating: 2,
    comment: 'تأخرتم علي',
    sentAt: new Date(),
    answeredAt: new Date(),
    followUp: { state: 'open', openedAt: new Date(), doneBy: null, doneAt: null, note: 'كلمت خالد' },
  });
  return { contact, conversation, open, kept, files: [loose, attached], booking, volunteer, feedback, survey };
}

describe('erasing a beneficiary’s data', () => {
  it('erases every record of the contact and anonymizes a decided request', async () => {
    const b = await beneficiary();
    const other = await store.contacts.create({ locale: 'ar', displayName: 'سارة' });
    expect(await decidedReferences(store, b.contact.id)).toEqual([b.kept.reference]);

    const { report, kept } = await eraseContactData(store, b.contact.id);

    expect(kept).toEqual([b.kept.reference]);
    expect(report).toEqual({ requestsErased: 1, requestsAnonymized: 1, files: 2, conversations: 1, messages: 1, bookings: 1, volunteers: 1, feedback: 1, surveys: 1, jobsCancelled: 0 });
    expect(await store.contacts.get(b.contact.id)).toMatchObject({ displayName: null, consent: null });
    expect(await store.contacts.get(other.id)).toMatchObject({ displayName: 'سارة' });
    expect((await store.conversations.get(b.conversation.id))?.state).toBeNull();
    expect((await store.messages.list(b.conversation.id))[0]).toMatchObject({ seq: 1, activity: { type: 'message', id: 'm1', channelData: { erased: true } } });
    for (const file of b.files) expect(await store.files.get(file.id)).toBeNull();

    expect(await store.supportRequests.get(b.open.id)).toMatchObject({ status: 'withdrawn', answers: {}, applicantKeys: [], contactId: ERASED_CONTACT_ID, conversationId: null });
    expect(await store.supportRequests.get(b.kept.id)).toMatchObject({
      status: 'accepted',
      reference: b.kept.reference,
      answers: { city: 'dammam' },
      applicantKeys: [],
      documents: [],
      statusNote: null,
      contactId: ERASED_CONTACT_ID,
    });
    expect(await store.bookings.get(b.booking?.id ?? '')).toMatchObject({ phone: null, status: 'requested', day: '2030-01-06' });
    expect(await store.volunteers.get(b.volunteer.id)).toMatchObject({ name: '', phone: '', status: 'new', city: 'dammam' });
    expect(await store.feedback.get(b.feedback.id)).toMatchObject({ text: '', reference: b.feedback.reference, kind: 'complaint' });
    expect(await store.surveys.get(b.survey.id)).toMatchObject({ contactId: null, comment: null, rating: 2, followUp: { state: 'open', note: null } });
    expect(await store.supportRequests.list({ contactId: b.contact.id })).toEqual([]);
  });

  it('marks every erased conversation erased before it cancels their queued jobs, and leaves other conversations unmarked', async () => {
    const b = await beneficiary();
    const second = await store.conversations.create({ channel: 'telegram', externalId: `t-${b.contact.id}`, contactId: b.contact.id });
    const other = await store.conversations.create({ channel: 'directline', externalId: 'someone-else' });
    const started = Date.now();
    const seenByCancel = new Map<string, Date | null>();
    await eraseContactData(store, b.contact.id, {
      cancelJobs: async (ids) => {
        // What a job running meanwhile would find when it looks at its conversation.
        for (const id of ids) seenByCancel.set(id, (await store.conversations.get(id))?.erasedAt ?? null);
        return 0;
      },
    });
    expect([...seenByCancel.keys()].sort()).toEqual([b.conversation.id, second.id].sort());
    for (const erasedAt of seenByCancel.values()) expect(erasedAt?.getTime()).toBeGreaterThanOrEqual(started);
    expect((await store.conversations.get(b.conversation.id))?.erasedAt).toEqual(seenByCancel.get(b.conversation.id));
    expect((await store.conversations.get(other.id))?.erasedAt).toBeNull();
  });

  it('waits for a turn running in the beneficiary’s other conversation, so that turn cannot save back the state it loaded before the erasure', async () => {
    const b = await beneficiary();
    const telegram = await store.conversations.create({ channel: 'telegram', externalId: `t-${b.contact.id}`, contactId: b.contact.id });
    await store.conversations.update(telegram.id, { state: { v: 1, frame: { flow: 'support_request', data: { national_id: NATIONAL_ID } } } });
    const lock = new LocalTurnLock();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let loaded: () => void = () => {};
    const turnLoaded = new Promise<void>((resolve) => (loaded = resolve));
    // The beneficiary writes on Telegram: that turn loads its state, works, then saves what it has.
    const telegramTurn = lock.run(`conv-${telegram.id}`, async () => {
      const { state } = (await store.conversations.get(telegram.id)) ?? { state: null };
      loaded();
      await held;
      await store.conversations.update(telegram.id, { state });
    });
    await turnLoaded;
    // Meanwhile the erasure is asked for on the web chat, whose own turn holds its lock already.
    let turnEnded = false;
    const cancelled: boolean[] = [];
    const erasure = eraseContactData(store, b.contact.id, {
      exclusive: (id, work) => lock.run(`conv-${id}`, work),
      within: b.conversation.id,
      // Asked again after the wait: what that turn queued after the mark goes too.
      cancelJobs: async () => {
        cancelled.push(turnEnded);
        return 0;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await telegramTurn.then(() => (turnEnded = true));
    await erasure;
    expect(cancelled).toEqual([false, true]);
    expect((await store.conversations.get(telegram.id))?.state).toBeNull();
    expect((await store.conversations.get(b.conversation.id))?.state).toBeNull();
  });

  it('finishes when the beneficiary confirms the erasure on two channels at once, each turn holding its own lock', async () => {
    const b = await beneficiary();
    const telegram = await store.conversations.create({ channel: 'telegram', externalId: `t-${b.contact.id}`, contactId: b.contact.id });
    await store.conversations.update(telegram.id, { state: { v: 1, frame: { flow: 'support_request', data: { national_id: NATIONAL_ID } } } });
    const lock = new LocalTurnLock();
    const eraseFrom = (within: string) =>
      lock.run(`conv-${within}`, () =>
        eraseContactData(store, b.contact.id, { exclusive: (id, work) => lock.run(`conv-${id}`, work), within, exclusiveWaitMs: 200 }),
      );
    const both = Promise.all([eraseFrom(b.conversation.id), eraseFrom(telegram.id)]);
    const stuck = new Promise((resolve) => setTimeout(() => resolve('stuck'), 5000));
    expect(await Promise.race([both.then(() => 'done'), stuck])).toBe('done');
    expect((await store.conversations.get(telegram.id))?.state).toBeNull();
    expect((await store.conversations.get(b.conversation.id))?.state).toBeNull();
    expect(JSON.stringify(await store.messages.list(b.conversation.id))).not.toContain(NATIONAL_ID);
  });

  it('leaves nothing to anonymize when no request was decided', async () => {
    const b = await beneficiary('withdrawn');
    const { report, kept } = await eraseContactData(store, b.contact.id);
    expect(kept).toEqual([]);
    expect(report.requestsErased).toBe(2);
    expect(await store.supportRequests.get(b.kept.id)).toMatchObject({ status: 'withdrawn', answers: {} });
  });
});
