import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { REFERENCE_ATTEMPTS, REQUEST_REFERENCE_PATTERN } from '../../../src/store/record-values.js';
import type { NewSupportRequest, RequestDocument, SupportRequestStatus } from '../../../src/store/types.js';
import { expectConflict, expectNotFound, laterTick, NATIONAL_ID, type CurrentStore } from './helpers.js';

/** Stand-ins for the HMAC hex of a national ID, which the caller computes. */
const APPLICANT_KEY = crypto.createHash('sha256').update('applicant').digest('hex');
const SPOUSE_KEY = crypto.createHash('sha256').update('spouse').digest('hex');
const OTHER_KEY = crypto.createHash('sha256').update('someone else').digest('hex');

function draft(contactId: string, overrides: Partial<NewSupportRequest> = {}): NewSupportRequest {
  return {
    contactId,
    conversationId: null,
    channel: 'telegram',
    status: 'draft',
    answers: { nationalId: NATIONAL_ID, city: 'الدمام', yearsMarried: 4 },
    applicantKeys: [],
    declaration: null,
    submittedAt: null,
    ...overrides,
  };
}

function document(kind: string, name: string, receivedAt: Date): RequestDocument {
  return { kind, fileId: crypto.randomBytes(16).toString('hex'), name, contentType: 'application/pdf', size: 1234, receivedAt };
}

type RandomInt = (min: number, max: number) => number;

/**
 * Lets a test choose the digits of the next references. The spy is typed by the overload the store
 * calls: vitest types it by randomInt's last overload, the callback form, which returns nothing.
 */
function spyOnRandomInt(): MockInstance<RandomInt> {
  return vi.spyOn(crypto, 'randomInt') as unknown as MockInstance<RandomInt>;
}

/** Makes the next `times` references drawn all `digit`s, e.g. 2222-2222. */
function drawDigits(spy: MockInstance<RandomInt>, digit: number, times = 1): void {
  for (let i = 0; i < 8 * times; i += 1) spy.mockReturnValueOnce(digit);
}

export function supportRequestContract(store: CurrentStore): void {
  describe('support requests', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('creates a draft with a reference like 4827-5396 and no documents yet', async () => {
      const created = await store().supportRequests.create(draft('contact-1'));
      expect(created.reference).toMatch(/^[2-9]{4}-[2-9]{4}$/);
      expect(created.reference).toMatch(REQUEST_REFERENCE_PATTERN);
      expect(created).toMatchObject({ ...draft('contact-1'), documents: [], documentsCompletedAt: null, statusNote: null });
      expect(await store().supportRequests.get(created.id)).toEqual(created);
    });

    it('generates distinct request references', async () => {
      const sequential = [];
      for (let i = 0; i < 3; i += 1) sequential.push(await store().supportRequests.create(draft('contact-1')));
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => store().supportRequests.create(draft('contact-2'))));
      const references = [...sequential, ...concurrent].map((r) => r.reference);
      expect(new Set(references).size).toBe(13);
      for (const reference of references) expect(reference).toMatch(/^[2-9]{4}-[2-9]{4}$/);
    });

    it('draws another reference when the one drawn is already taken', async () => {
      const spy = spyOnRandomInt();
      drawDigits(spy, 2);
      const first = await store().supportRequests.create(draft('contact-1'));
      expect(first.reference).toBe('2222-2222');
      drawDigits(spy, 2);
      drawDigits(spy, 3);
      const second = await store().supportRequests.create(draft('contact-2'));
      expect(second.reference).toBe('3333-3333');
      expect(await store().supportRequests.getByReference('2222-2222')).toEqual(first);
    });

    it('fails with StoreConflictError when every reference drawn is taken', async () => {
      const spy = spyOnRandomInt();
      drawDigits(spy, 2);
      await store().supportRequests.create(draft('contact-1'));
      drawDigits(spy, 2, REFERENCE_ATTEMPTS);
      await expectConflict(store().supportRequests.create(draft('contact-2')));
      expect(await store().supportRequests.list({})).toHaveLength(1);
    });

    it('finds a request by its reference', async () => {
      const created = await store().supportRequests.create(draft('contact-1'));
      expect(await store().supportRequests.getByReference(created.reference)).toEqual(created);
      const unknown = created.reference === '2345-6789' ? '9876-5432' : '2345-6789';
      expect(await store().supportRequests.getByReference(unknown)).toBeNull();
    });

    it('updates status, answers and declaration but never the reference', async () => {
      const created = await store().supportRequests.create(draft('contact-1'));
      await laterTick();
      const submittedAt = new Date();
      const declaration = { version: 'decl-1', at: submittedAt, channel: 'webchat' };
      const answers = { ...created.answers, phone: '+966500000002' };
      const updated = await store().supportRequests.update(created.id, { status: 'submitted', submittedAt, declaration, answers });
      expect(updated).toMatchObject({ reference: created.reference, status: 'submitted', submittedAt, declaration, answers });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await store().supportRequests.get(created.id)).toEqual(updated);
    });

    it('keeps the channel, applicant keys and documents it was created with', async () => {
      const receivedAt = new Date('2026-04-02T08:30:00.250Z');
      const documents = [document('id_copies', 'هوية الزوج.pdf', receivedAt)];
      const created = await store().supportRequests.create(
        draft('contact-1', { channel: 'whatsapp', applicantKeys: [APPLICANT_KEY, SPOUSE_KEY], documents }),
      );
      expect(created).toMatchObject({ channel: 'whatsapp', applicantKeys: [APPLICANT_KEY, SPOUSE_KEY], documents });
      const read = await store().supportRequests.get(created.id);
      expect(read).toEqual(created);
      expect(read?.documents[0]?.receivedAt).toBeInstanceOf(Date);
      expect(read?.documents[0]?.receivedAt.getTime()).toBe(receivedAt.getTime());
    });

    it('records documents as they arrive, when they were complete, and the staff note', async () => {
      const created = await store().supportRequests.create(draft('contact-1', { status: 'submitted' }));
      const ids = document('id_copies', 'id.pdf', new Date('2026-04-01T10:00:00Z'));
      const afterIds = await store().supportRequests.update(created.id, { documents: [ids] });
      expect(afterIds.documents).toEqual([ids]);

      const reports = document('medical_reports', 'تقرير.pdf', new Date('2026-04-03T10:00:00Z'));
      const documentsCompletedAt = new Date('2026-04-03T10:00:01Z');
      const complete = await store().supportRequests.update(created.id, {
        documents: [ids, reports],
        documentsCompletedAt,
        status: 'under_review',
        statusNote: 'تم استلام جميع المستندات',
      });
      expect(complete).toMatchObject({ documents: [ids, reports], documentsCompletedAt, status: 'under_review', statusNote: 'تم استلام جميع المستندات' });
      const read = await store().supportRequests.get(created.id);
      expect(read).toEqual(complete);
      expect(read?.documentsCompletedAt).toBeInstanceOf(Date);
      expect(read?.documents.map((d) => d.receivedAt)).toEqual([ids.receivedAt, reports.receivedAt]);

      const cleared = await store().supportRequests.update(created.id, { statusNote: null });
      expect(cleared.statusNote).toBeNull();
      expect(cleared.documents).toEqual([ids, reports]);
    });

    it('rejects an update of an unknown request with StoreNotFoundError', async () => {
      await expectNotFound(store().supportRequests.update('no-such-request', { status: 'withdrawn' }));
    });

    it('lists requests newest first, filtered by status and contact', async () => {
      const a = await store().supportRequests.create(draft('contact-1'));
      await laterTick();
      const b = await store().supportRequests.create(draft('contact-2', { status: 'submitted' }));
      await laterTick();
      const c = await store().supportRequests.create(draft('contact-1', { status: 'submitted' }));
      const ids = async (filter: Parameters<ReturnType<CurrentStore>['supportRequests']['list']>[0]) =>
        (await store().supportRequests.list(filter)).map((r) => r.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ status: 'submitted' })).toEqual([c.id, b.id]);
      expect(await ids({ contactId: 'contact-1' })).toEqual([c.id, a.id]);
      expect(await ids({ limit: 2 })).toEqual([c.id, b.id]);
    });
  });

  describe('support requests by applicant keys', () => {
    const couple = [APPLICANT_KEY, SPOUSE_KEY];
    const open = (status: SupportRequestStatus, applicantKeys = couple) =>
      store().supportRequests.create(draft('contact-1', { status, applicantKeys }));

    it("finds an open request by the applicant's key or the spouse's", async () => {
      const created = await open('submitted');
      expect(await store().supportRequests.findOpenByApplicantKeys([APPLICANT_KEY])).toEqual(created);
      expect(await store().supportRequests.findOpenByApplicantKeys([SPOUSE_KEY])).toEqual(created);
      expect(await store().supportRequests.findOpenByApplicantKeys([OTHER_KEY, SPOUSE_KEY])).toEqual(created);
    });

    it('counts submitted, under review, needing documents and accepted requests as open', async () => {
      for (const status of ['submitted', 'under_review', 'needs_documents', 'accepted'] as const) {
        const key = crypto.createHash('sha256').update(status).digest('hex');
        const created = await open(status, [key]);
        expect(await store().supportRequests.findOpenByApplicantKeys([key])).toEqual(created);
      }
    });

    it('ignores drafts and rejected, completed or withdrawn requests', async () => {
      for (const status of ['draft', 'rejected', 'completed', 'withdrawn'] as const) await open(status);
      expect(await store().supportRequests.findOpenByApplicantKeys(couple)).toBeNull();
    });

    it('returns the newest open request when several share a key', async () => {
      await open('accepted');
      await laterTick();
      const newer = await open('submitted', [SPOUSE_KEY]);
      await laterTick();
      await open('draft');
      expect(await store().supportRequests.findOpenByApplicantKeys([SPOUSE_KEY])).toEqual(newer);
      expect(await store().supportRequests.findOpenByApplicantKeys(couple)).toEqual(newer);
    });

    it('finds nothing for another key or for no keys', async () => {
      await open('submitted');
      expect(await store().supportRequests.findOpenByApplicantKeys([OTHER_KEY])).toBeNull();
      expect(await store().supportRequests.findOpenByApplicantKeys([])).toBeNull();
    });

    it('stops finding a request once it is rejected', async () => {
      const created = await open('under_review');
      await store().supportRequests.update(created.id, { status: 'rejected', statusNote: 'لا تنطبق الشروط' });
      expect(await store().supportRequests.findOpenByApplicantKeys(couple)).toBeNull();
    });

    it('follows the keys when an update changes them', async () => {
      const created = await open('submitted', [APPLICANT_KEY]);
      const updated = await store().supportRequests.update(created.id, { applicantKeys: [SPOUSE_KEY, OTHER_KEY] });
      expect(updated.applicantKeys).toEqual([SPOUSE_KEY, OTHER_KEY]);
      expect(await store().supportRequests.findOpenByApplicantKeys([APPLICANT_KEY])).toBeNull();
      expect(await store().supportRequests.findOpenByApplicantKeys([OTHER_KEY])).toEqual(updated);
    });

    it('keeps a key listed twice as one', async () => {
      const created = await open('submitted', [APPLICANT_KEY, APPLICANT_KEY]);
      expect(await store().supportRequests.findOpenByApplicantKeys([APPLICANT_KEY])).toEqual(created);
      const updated = await store().supportRequests.update(created.id, { applicantKeys: [SPOUSE_KEY, SPOUSE_KEY] });
      expect(await store().supportRequests.findOpenByApplicantKeys([SPOUSE_KEY])).toEqual(updated);
    });
  });
}
