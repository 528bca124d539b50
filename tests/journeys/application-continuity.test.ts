import { afterAll, describe, expect, it } from 'vitest';
import { allText, askedField, buttons, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, useTestApp } from '../helpers/test-app.js';

/**
 * An application that is interrupted — the server restarts, the beneficiary goes quiet for hours —
 * and the documents that follow it.
 */
let clock = Date.now();
const t = useTestApp({ now: () => clock });

async function answer(dl: DirectLineClient, text: string, expectedField: string | undefined): Promise<WireActivity[]> {
  const replies = await dl.say(text);
  expect(askedField(replies), `after "${text}": ${allText(replies)}`).toBe(expectedField);
  return replies;
}

async function upload(dl: DirectLineClient, name: string, expectedField: string | undefined): Promise<WireActivity[]> {
  const replies = await dl.upload(name, name.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg');
  expect(askedField(replies), `after uploading ${name}: ${allText(replies)}`).toBe(expectedField);
  return replies;
}

/** The answers from the applicant's name to the summary; `documents` answers "now or later". */
async function fill(dl: DirectLineClient, ids: [string, string], documents: string): Promise<void> {
  await answer(dl, 'ابي اقدم طلب', 'consent_answer');
  await answer(dl, 'موافق', 'applicant_name');
  await answer(dl, 'عبدالله حسن الشهري', 'national_id');
  await answer(dl, ids[0], 'spouse_name');
  await answer(dl, 'مريم سعيد الشهري', 'spouse_national_id');
  await answer(dl, ids[1], 'mobile');
  await answer(dl, '966 55 987 6543', 'city');
  await answer(dl, 'القطيف', 'wife_age');
  await answer(dl, '31', 'husband_age');
  await answer(dl, '36', 'years_married');
  await answer(dl, '9', 'children');
  await answer(dl, '1', 'treatment');
  await answer(dl, '1', 'income');
  await answer(dl, '4500', 'support_type');
  await answer(dl, '2', 'contact_time');
  await answer(dl, '1', 'documents_when');
  await answer(dl, documents, 'review_action');
  await answer(dl, 'صحيحة', 'declaration_answer');
}

describe('resuming an application', () => {
  it('continues at the same question after the server restarts', async () => {
    const dataDir = tempDir('resume');
    const prefix = `test-resume-${process.pid}`;
    const first = await startTestApp({ dataDir, prefix });
    let conversation: { id: string; token: string };
    try {
      const dl = await DirectLineClient.start(first.url);
      await answer(dl, 'طلب دعم', 'consent_answer');
      await answer(dl, 'أوافق', 'applicant_name');
      await answer(dl, 'عبدالله حسن الشهري', 'national_id');
      await answer(dl, '1039283745', 'national_id');
      conversation = { id: dl.conversationId, token: dl.token };
    } finally {
      await first.stop();
    }
    const second = await startTestApp({ dataDir, prefix });
    try {
      const dl = DirectLineClient.resume(second.url, conversation.id, conversation.token);
      await dl.read();
      // The refused ID was not kept; a valid one moves on to the next question.
      await answer(dl, '1029384755', 'spouse_name');
      await answer(dl, 'رجوع', 'national_id');
    } finally {
      await second.stop();
      await clearRedisPrefix(prefix);
      removeDir(dataDir);
    }
  });

  it('offers "continue" or "start again" to someone back after a long absence, and continues on "continue"', async () => {
    const dl = await DirectLineClient.start(t().url, 'quiet-visitor');
    await answer(dl, 'طلب دعم', 'consent_answer');
    await answer(dl, 'أوافق', 'applicant_name');
    await answer(dl, 'عبدالله حسن الشهري', 'national_id');

    clock += 7 * 60 * 60 * 1000;
    const offer = await answer(dl, 'السلام عليكم', 'resume');
    expect(allText(offer)).toContain('أهلًا بعودتك');
    expect(buttons(offer)).toEqual(['أكمل من حيث توقفت', 'أبدأ من جديد']);
    await answer(dl, 'أكمل من حيث توقفت', 'national_id');

    clock += 7 * 60 * 60 * 1000;
    await answer(dl, 'هلا', 'resume');
    await answer(dl, 'أبدأ من جديد', 'applicant_name');
  });

  it('takes a valid answer after a long absence as it is, without asking', async () => {
    const dl = await DirectLineClient.start(t().url, 'returning-visitor');
    await answer(dl, 'طلب دعم', 'consent_answer');
    await answer(dl, 'أوافق', 'applicant_name');
    await answer(dl, 'عبدالله حسن الشهري', 'national_id');
    clock += 30 * 60 * 60 * 1000;
    await answer(dl, '1029384755', 'spouse_name');
  });
});

describe('documents', () => {
  it('collects documents after submitting, one kind at a time, and completes registration when all are in', async () => {
    const dl = await DirectLineClient.start(t().url, 'documents-visitor');
    await fill(dl, ['1056473828', '2056473826'], 'الان');
    const submitted = await answer(dl, 'أقر', 'id_copies');
    expect(allText(submitted)).toContain('⬜ صور الهويات');
    const reference = /\b\d{4}-\d{4}\b/.exec(allText(submitted))?.[0] ?? '';

    await upload(dl, 'هوية.jpg', 'marriage_contract');
    await answer(dl, 'لاحقا', 'medical_reports');
    await upload(dl, 'تقرير.pdf', 'income_proof');
    const remaining = allText(await answer(dl, 'بعدين', undefined));
    expect(remaining).toContain('✅ صور الهويات');
    expect(remaining).toContain('⬜ عقد الزواج');
    expect(remaining).toContain('✅ التقارير الطبية');
    expect(remaining).toContain('باقي مستندان');

    // A file sent later, outside any question: the bot asks which document it is.
    await upload(dl, 'عقد.pdf', 'kind');
    const added = allText(await answer(dl, 'عقد الزواج / سجل الأسرة', undefined));
    expect(added).toContain(reference);
    expect(added).toContain('✅ عقد الزواج');

    const rest = await answer(dl, 'ارسال المستندات', 'income_proof');
    expect(allText(rest)).toContain('⬜ ما يثبت الدخل');
    const complete = allText(await upload(dl, 'راتب.pdf', undefined));
    expect(complete).toContain('اكتمل تسجيل طلبك');

    const request = await t().app.store.supportRequests.getByReference(reference);
    expect(request?.documentsCompletedAt).toBeInstanceOf(Date);
    expect(request?.documents.map((d) => d.kind).sort()).toEqual(['id_copies', 'income_proof', 'marriage_contract', 'medical_reports']);
    const audit = await t().app.store.audit.list({ subjectType: 'support_request', subjectId: request?.id ?? '' });
    expect(audit.map((e) => e.action)).toContain('request.registration_completed');
    expect(allText(await dl.say('ارسال المستندات'))).toContain('تسجيلك مكتمل');
  });

  it('tells someone without a request where documents belong when they send a file', async () => {
    const dl = await DirectLineClient.start(t().url, 'no-request-visitor');
    await dl.say('مرحبا');
    const replies = await upload(dl, 'scan.pdf', undefined);
    expect(allText(replies)).toContain('scan.pdf');
    expect(allText(replies)).toContain('طلب الدعم');
  });
});

afterAll(() => {
  clock = Date.now();
});
