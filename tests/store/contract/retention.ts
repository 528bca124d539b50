import { describe, expect, it } from 'vitest';
import { ERASED_REQUEST_CONTACT } from '../../../src/store/record-values.js';
import type { RetentionLimits, Store, SupportRequestStatus } from '../../../src/store/types.js';
import { laterTick, NATIONAL_ID, someConversation, type CurrentStore } from './helpers.js';

const DAY_MS = 24 * 3600_000;

/** Every limit off (keep forever) unless named. */
function limits(set: Partial<RetentionLimits>): RetentionLimits {
  return { draftDays: 0, transcriptDays: 0, rejectedDays: 0, documentDays: 0, ...set };
}

/** `days` after `moment`: the `now` at which whatever was written before `moment` is `days` old. */
function daysAfter(moment: Date, days: number): Date {
  return new Date(moment.getTime() + days * DAY_MS);
}

/**
 * The store stamps records with the real clock, so a test writes its "old" records, takes the moment
 * that separates them from the "fresh" ones, and purges at that moment plus the limit.
 */
async function boundary(): Promise<Date> {
  await laterTick();
  const moment = new Date();
  await laterTick();
  return moment;
}

async function upload(store: Store, name = 'هوية.pdf') {
  return store.files.put({ name, contentType: 'application/pdf', conversationId: 'conversation-1', bytes: Buffer.from(`%PDF ${name}`) });
}

/** A request in `status` with one document; the status is set by an update, as staff decide. */
async function requestWith(store: Store, status: SupportRequestStatus, contactId = 'contact-1') {
  const file = await upload(store);
  const created = await store.supportRequests.create({
    contactId,
    conversationId: 'conversation-1',
    channel: 'telegram',
    status: 'submitted',
    answers: { city: 'dammam', nationalId: NATIONAL_ID, diagnosis: 'تأخر إنجاب' },
    applicantKeys: ['key-of-the-applicant'],
    declaration: null,
    submittedAt: new Date(),
    documents: [{ kind: 'id_copies', fileId: file.id, name: 'هوية.pdf', contentType: 'application/pdf', size: file.size, receivedAt: new Date() }],
  });
  const request = status === 'submitted' ? created : await store.supportRequests.update(created.id, { status, statusNote: 'ملاحظة' });
  return { request, file };
}

const NOTHING = { drafts: 0, transcripts: 0, rejected: 0, documents: 0 };

/** `Store.purgeExpired`: each record type erased in place after its limit, nothing before, nothing twice. */
export function retentionContract(store: CurrentStore): void {
  describe('retention', () => {
    it("clears a conversation's form state untouched for the limit and keeps a fresh one", async () => {
      const old = await someConversation(store(), 'old');
      const oldState = await store().conversations.update(old.id, { state: { frame: { flow: 'support-request', data: { nationalId: NATIONAL_ID } } } });
      await someConversation(store(), 'old-without-state');
      const moment = await boundary();
      const fresh = await someConversation(store(), 'fresh');
      await store().conversations.update(fresh.id, { state: { frame: { flow: 'support-request', data: { city: 'khobar' } } } });

      const report = await store().purgeExpired(limits({ draftDays: 90 }), daysAfter(moment, 90));
      expect(report).toEqual({ ...NOTHING, drafts: 1 });
      const purged = await store().conversations.get(old.id);
      expect(purged).toMatchObject({ state: null, channel: 'telegram', externalId: 'old' });
      // A purge is not activity: the conversation's last change stays when it was.
      expect(purged?.updatedAt.getTime()).toBe(oldState.updatedAt.getTime());
      expect((await store().conversations.get(fresh.id))?.state).toEqual({ frame: { flow: 'support-request', data: { city: 'khobar' } } });

      expect(await store().purgeExpired(limits({ draftDays: 90 }), daysAfter(moment, 90))).toEqual(NOTHING);
    });

    it('erases a draft request older than the draft limit, files included', async () => {
      const { request, file } = await requestWith(store(), 'draft');
      const moment = await boundary();
      const { request: fresh } = await requestWith(store(), 'draft', 'contact-2');

      expect(await store().purgeExpired(limits({ draftDays: 30 }), daysAfter(moment, 30))).toEqual({ ...NOTHING, drafts: 1, documents: 1 });
      expect(await store().supportRequests.get(request.id)).toMatchObject({
        status: 'withdrawn',
        contactId: ERASED_REQUEST_CONTACT,
        conversationId: null,
        answers: {},
        applicantKeys: [],
        documents: [],
        statusNote: null,
      });
      expect(await store().files.get(file.id)).toBeNull();
      expect(await store().supportRequests.get(fresh.id)).toMatchObject({ status: 'draft', contactId: 'contact-2' });
      expect(await store().purgeExpired(limits({ draftDays: 30 }), daysAfter(moment, 30))).toEqual(NOTHING);
    });

    it('erases the contents of old messages, keeps recent ones, and deletes files only an erased message named', async () => {
      const conversation = await someConversation(store());
      const loose = await upload(store(), 'loose.jpg');
      const { file: kept } = await requestWith(store(), 'submitted');
      const attach = (fileId: string) => ({ contentType: 'application/pdf', name: 'x.pdf', content: { fileId } });
      await store().messages.append(conversation.id, {
        direction: 'incoming',
        author: { kind: 'beneficiary' },
        activity: { type: 'message', id: 'in-1', text: `رقمي ${NATIONAL_ID}`, from: { id: 'u1', name: 'خالد', role: 'user' }, attachments: [attach(loose.id), attach(kept.id)] },
        dedupeKey: 'in-1',
      });
      const delivery = { state: 'read' as const, at: new Date(), platformId: 'p1', error: null };
      await store().messages.append(conversation.id, { direction: 'outgoing', author: { kind: 'bot' }, activity: { type: 'message', id: 'out-1', text: 'شكرًا', from: { id: 'bot', role: 'bot' } }, delivery });
      const moment = await boundary();
      await store().messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: 'recent' } });

      expect(await store().purgeExpired(limits({ transcriptDays: 365 }), daysAfter(moment, 365))).toEqual({ ...NOTHING, transcripts: 2, documents: 1 });
      const [first, second, third] = await store().messages.list(conversation.id);
      expect(first).toMatchObject({ seq: 1, direction: 'incoming', dedupeKey: 'in-1' });
      expect(first?.activity).toEqual({ type: 'message', id: 'in-1', from: { id: 'u1', role: 'user' }, channelData: { erased: true } });
      expect(second).toMatchObject({ seq: 2, delivery: { state: 'read', platformId: 'p1' } });
      expect(second?.activity).toEqual({ type: 'message', id: 'out-1', from: { id: 'bot', role: 'bot' }, channelData: { erased: true } });
      expect(third?.activity).toEqual({ type: 'message', text: 'recent' });
      expect(await store().files.get(loose.id)).toBeNull();
      // Still one of a request's documents: the request's own limit decides.
      expect(await store().files.get(kept.id)).not.toBeNull();

      expect(await store().purgeExpired(limits({ transcriptDays: 365 }), daysAfter(moment, 365))).toEqual(NOTHING);
    });

    it('does not count again a transcript the beneficiary already had erased', async () => {
      const conversation = await someConversation(store());
      await store().messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: 'x' } });
      await store().messages.eraseConversation(conversation.id);
      const moment = await boundary();
      expect(await store().purgeExpired(limits({ transcriptDays: 1 }), daysAfter(moment, 1))).toEqual(NOTHING);
    });

    it('anonymizes rejected and withdrawn requests decided before the limit, and leaves the others alone', async () => {
      const { request: rejected, file: rejectedFile } = await requestWith(store(), 'rejected');
      const { request: withdrawn } = await requestWith(store(), 'withdrawn', 'contact-2');
      const { request: accepted, file: acceptedFile } = await requestWith(store(), 'accepted', 'contact-3');
      const { request: open } = await requestWith(store(), 'under_review', 'contact-4');
      const moment = await boundary();
      const { request: recent } = await requestWith(store(), 'rejected', 'contact-5');

      expect(await store().purgeExpired(limits({ rejectedDays: 365 }), daysAfter(moment, 365))).toEqual({ ...NOTHING, rejected: 2, documents: 2 });
      const anonymized = await store().supportRequests.get(rejected.id);
      expect(anonymized).toMatchObject({
        reference: rejected.reference,
        status: 'rejected',
        contactId: ERASED_REQUEST_CONTACT,
        conversationId: null,
        answers: { city: 'dammam' },
        applicantKeys: [],
        documents: [],
        statusNote: null,
        channel: 'telegram',
      });
      expect(anonymized?.updatedAt.getTime()).toBe(rejected.updatedAt.getTime());
      expect(anonymized?.submittedAt?.getTime()).toBe(rejected.submittedAt?.getTime());
      expect(await store().files.get(rejectedFile.id)).toBeNull();
      expect(await store().supportRequests.get(withdrawn.id)).toMatchObject({ status: 'withdrawn', contactId: ERASED_REQUEST_CONTACT, answers: { city: 'dammam' } });
      expect(await store().supportRequests.findOpenByApplicantKeys(['key-of-the-applicant'])).toMatchObject({ id: open.id });

      for (const untouched of [accepted, open, recent]) expect(await store().supportRequests.get(untouched.id)).toEqual(untouched);
      expect(await store().files.get(acceptedFile.id)).not.toBeNull();

      expect(await store().purgeExpired(limits({ rejectedDays: 365 }), daysAfter(moment, 365))).toEqual(NOTHING);
    });

    it("deletes a decided request's documents after the document limit and keeps the request", async () => {
      const { request: accepted, file } = await requestWith(store(), 'accepted');
      const { request: completed, file: completedFile } = await requestWith(store(), 'completed', 'contact-2');
      const { request: open, file: openFile } = await requestWith(store(), 'needs_documents', 'contact-3');
      const moment = await boundary();
      const { file: recentFile } = await requestWith(store(), 'completed', 'contact-4');

      expect(await store().purgeExpired(limits({ documentDays: 730 }), daysAfter(moment, 730))).toEqual({ ...NOTHING, documents: 2 });
      expect(await store().files.get(file.id)).toBeNull();
      expect(await store().files.meta(completedFile.id)).toBeNull();
      const kept = await store().supportRequests.get(accepted.id);
      expect(kept).toEqual({ ...accepted, documents: [] });
      expect((await store().supportRequests.get(completed.id))?.documents).toEqual([]);
      expect(await store().supportRequests.get(open.id)).toEqual(open);
      expect(await store().files.get(openFile.id)).not.toBeNull();
      expect(await store().files.get(recentFile.id)).not.toBeNull();

      expect(await store().purgeExpired(limits({ documentDays: 730 }), daysAfter(moment, 730))).toEqual(NOTHING);
    });

    it('keeps everything forever when every limit is 0, and never touches the audit trail', async () => {
      const conversation = await someConversation(store());
      await store().conversations.update(conversation.id, { state: { frame: null } });
      await store().messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: 'keep' } });
      const { request: rejected, file } = await requestWith(store(), 'rejected');
      const event = await store().audit.record({ actor: 'system', action: 'request.status_changed', subjectType: 'request', subjectId: rejected.id, details: { status: 'rejected' } });
      const farFuture = daysAfter(await boundary(), 100 * 365);

      expect(await store().purgeExpired(limits({}), farFuture)).toEqual(NOTHING);
      expect((await store().conversations.get(conversation.id))?.state).toEqual({ frame: null });
      expect((await store().messages.list(conversation.id))[0]?.activity).toEqual({ type: 'message', text: 'keep' });
      expect(await store().supportRequests.get(rejected.id)).toEqual(rejected);
      expect(await store().files.get(file.id)).not.toBeNull();

      const all = limits({ draftDays: 1, transcriptDays: 1, rejectedDays: 1, documentDays: 1 });
      expect(await store().purgeExpired(all, farFuture)).toEqual({ drafts: 1, transcripts: 1, rejected: 1, documents: 1 });
      expect(await store().audit.list({ subjectId: rejected.id })).toEqual([event]);
      expect(await store().purgeExpired(all, farFuture)).toEqual(NOTHING);
    });
  });
}
