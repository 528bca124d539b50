import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERASED_CONTACT_ID } from '../../src/privacy/erase.js';
import type { SupportRequestStatus } from '../../src/store/types.js';
import { DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

const NAME = 'خالد سعد الدوسري';
const NATIONAL_ID = '1058529921';
const MOBILE = '+966501234567';
const DOCUMENT_BYTES = 'PDF-medical-report-of-khalid-7731';

const textOf = (activities: WireActivity[]): string => activities.map((a) => a.text ?? '').join('\n');

/** A visitor who has said hello (so the contact exists) and consented. */
async function visitor(userId: string): Promise<{ dl: DirectLineClient; contactId: string }> {
  const dl = await DirectLineClient.start(t().url, userId);
  await dl.say('السلام عليكم');
  const contactId = (await t().app.store.conversations.get(dl.conversationId))?.contactId;
  if (!contactId) throw new Error('no contact behind the conversation');
  await t().app.store.contacts.update(contactId, { consent: { version: '2026-11-v1', at: new Date(), channel: 'webchat' } });
  return { dl, contactId };
}

/** A request of the visitor's, as the application would have left it (quicker than the whole form). */
async function requestOf(dl: DirectLineClient, contactId: string, status: SupportRequestStatus, documents: { fileId: string }[] = []) {
  return t().app.store.supportRequests.create({
    contactId,
    conversationId: dl.conversationId,
    channel: 'webchat',
    status,
    answers: { applicant_name: NAME, national_id: NATIONAL_ID, mobile: MOBILE, city: 'dammam', income: 4500 },
    declaration: { version: '2026-11-v1', at: new Date(), channel: 'webchat' },
    applicantKeys: ['k1'],
    submittedAt: new Date(),
    documents: documents.map(({ fileId }) => ({ kind: 'medical_reports', fileId, name: 'تقرير خالد.pdf', contentType: 'application/pdf', size: 10, receivedAt: new Date() })),
  });
}

/** Every file under the app's data folder (SQLite file, WAL, stored files) holding `needle` in the clear. */
function filesContaining(needle: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && fs.readFileSync(file).includes(Buffer.from(needle))) found.push(file);
    }
  };
  walk(t().dataDir);
  return found;
}

describe('a beneficiary’s rights over their data', () => {
  it('shows their data masked, then erases it, keeping a decided request anonymized', async () => {
    const { dl, contactId } = await visitor('privacy-1');
    const stranger = await visitor('privacy-2');
    const strangers = await requestOf(stranger.dl, stranger.contactId, 'submitted');
    const file = await t().app.store.files.put({ name: 'تقرير خالد.pdf', contentType: 'application/pdf', conversationId: dl.conversationId, bytes: Buffer.from(DOCUMENT_BYTES) });
    const open = await requestOf(dl, contactId, 'submitted');
    const decided = await requestOf(dl, contactId, 'accepted', [{ fileId: file.id }]);

    const shown = textOf(await dl.say('بياناتي'));
    expect(shown).toContain(open.reference);
    expect(shown).toContain(decided.reference);
    expect(shown).toContain('خ*** س*** ا***');
    expect(shown).toContain('1•••••••21');
    expect(shown).toContain('05• ••• ••67');
    expect(shown).toContain('الدمام');
    expect(shown).toContain('محفوظ');
    for (const secret of [NATIONAL_ID, NAME, '4500', 'تقرير خالد', strangers.reference]) expect(shown).not.toContain(secret);

    const explained = textOf(await dl.say('احذف بياناتي'));
    expect(explained).toContain(decided.reference);
    expect(explained).toContain('تأكد حذف بياناتك؟');
    const done = textOf(await dl.say('نعم'));
    expect(done).toContain('تم حذف بياناتك');
    expect(done).toContain(decided.reference);

    // Through the store: erased or anonymized, and nothing of theirs found by contact any more.
    expect(await t().app.store.contacts.get(contactId)).toMatchObject({ displayName: null, consent: null });
    expect(await t().app.store.supportRequests.get(open.id)).toMatchObject({ status: 'withdrawn', answers: {}, contactId: ERASED_CONTACT_ID });
    expect(await t().app.store.supportRequests.get(decided.id)).toMatchObject({ status: 'accepted', answers: { city: 'dammam' }, documents: [], applicantKeys: [] });
    expect(await t().app.store.files.get(file.id)).toBeNull();
    expect(await t().app.store.supportRequests.get(strangers.id)).toMatchObject({ answers: { national_id: NATIONAL_ID } });
    const conversation = await t().app.store.conversations.get(dl.conversationId);
    expect(conversation?.state).toMatchObject({ consent: null, frame: null });
    const transcript = await t().app.store.messages.list(dl.conversationId);
    const said = transcript.filter((m) => m.direction === 'incoming').map((m) => m.activity);
    expect(said.every((a) => (a['channelData'] as { erased?: boolean } | undefined)?.erased === true)).toBe(true);
    expect(JSON.stringify(transcript)).not.toContain(NATIONAL_ID);
    const [audit] = await t().app.store.audit.list({ subjectType: 'contact', subjectId: contactId, actor: `beneficiary:${contactId}` });
    expect(audit).toMatchObject({ action: 'privacy.erased', details: { requestsErased: 1, requestsAnonymized: 1, files: 1 } });
    expect(JSON.stringify(audit)).not.toContain(NATIONAL_ID);

    // On disk: no plain name, ID or document bytes anywhere in the data folder.
    for (const secret of [NATIONAL_ID, NAME, DOCUMENT_BYTES]) expect(filesContaining(secret)).toEqual([]);

    // The conversation starts clean: an application asks for consent again.
    const again = await dl.say('بياناتي');
    expect(textOf(again)).not.toContain(open.reference);
  });

  it('withdraws consent, ends the application in progress and offers deletion', async () => {
    const { dl, contactId } = await visitor('privacy-3');
    await dl.say('طلب دعم');
    await dl.say('أوافق');
    expect((await t().app.store.conversations.get(dl.conversationId))?.state).toMatchObject({ consent: { version: '2026-11-v1' }, frame: { flow: 'support_request' } });
    const replies = await dl.say('سحب الموافقة');
    expect(textOf(replies)).toContain('تم سحب موافقتك');
    expect(textOf(replies)).toContain('تبي نحذف بياناتك');
    expect(await t().app.store.contacts.get(contactId)).toMatchObject({ consent: null });
    const [audit] = await t().app.store.audit.list({ subjectType: 'contact', subjectId: contactId });
    expect(audit).toMatchObject({ action: 'consent.withdrawn' });

    expect(textOf(await dl.say('لا'))).toContain('بقيت بياناتك المحفوظة كما هي');
    expect((await t().app.store.conversations.get(dl.conversationId))?.state).toMatchObject({ consent: null, frame: null });
  });
});
