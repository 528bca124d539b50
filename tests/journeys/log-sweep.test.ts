import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { allText, askedField, DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The logs of a whole application, at the most verbose level: every line the app writes (turns,
 * flows, services, queues, the HTTP requests of the web chat and of the staff API) is captured, and
 * none may hold a personal value the beneficiary gave — in any of the forms it was typed or stored.
 */
const lines: string[] = [];
const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
const t = useTestApp({ logger });
const staff = staffClient(t);

const APPLICANT = 'نايف ضيدان الهاجري';
const SPOUSE = 'منيرة عايض السبيعي';
const APPLICANT_ID = '1093847562';
const SPOUSE_ID = '2093847560';
const WRONG_ID = '1093847561';
const LANDLINE = '013 845 2917';
const MOBILE_TYPED = '+966 55 874 1296';
const MOBILE_FORMS = ['558741296', '0558741296', '966558741296', '+966558741296', '55 874 1296', '874 1296'];
const INCOME = '7350';
const DETAILS = 'انسداد قناة فالوب لدى الزوجة بعد عملية سابقة';
const QUESTION = 'هل تقبلون حالات العقم الثانوي عند الزوج؟';
const FREE_TEXT = 'زوجتي تعاني من تكيس المبايض منذ سنوات';
const DOCUMENT = '%PDF-1.4 medical report of naif, hysterosalpingogram result';

/** Sends a message and checks which question comes next. */
async function answer(dl: DirectLineClient, text: string, expectedField: string | undefined): Promise<WireActivity[]> {
  const replies = await dl.say(text);
  expect(askedField(replies), `after "${text}": ${allText(replies)}`).toBe(expectedField);
  return replies;
}

/** Digits, or any value, that stand alone in a line (an ID inside a longer number is not it). */
function occurs(haystack: string, needle: string): boolean {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return /^[+\d ]+$/.test(needle) ? new RegExp(`(?<![\\d])${escaped}(?![\\d])`).test(haystack) : haystack.includes(needle);
}

describe('the logs of a whole application', () => {
  it('hold no personal value, at trace level, from the first message to a staff member reading the request', async () => {
    const dl = await DirectLineClient.start(t().url, 'log-sweep-visitor');
    await dl.say(FREE_TEXT);
    await answer(dl, 'ابي اقدم طلب دعم', 'consent_answer');
    await answer(dl, 'أوافق', 'applicant_name');
    await answer(dl, APPLICANT, 'national_id');
    // Refused answers are read, checked and answered too: a wrong check digit, a landline.
    await answer(dl, WRONG_ID, 'national_id');
    await answer(dl, APPLICANT_ID, 'spouse_name');
    // A question in the middle of the form is answered, and the same question asked again.
    await answer(dl, QUESTION, 'spouse_name');
    await answer(dl, SPOUSE, 'spouse_national_id');
    await answer(dl, SPOUSE_ID, 'mobile');
    await answer(dl, LANDLINE, 'mobile');
    await answer(dl, MOBILE_TYPED, 'city');
    await answer(dl, 'الخبر', 'wife_age');
    await answer(dl, '29', 'husband_age');
    await answer(dl, '34', 'years_married');
    await answer(dl, '5', 'children');
    await answer(dl, '0', 'treatment');
    await answer(dl, 'أطفال أنابيب', 'treatment_attempts');
    await answer(dl, '2', 'income');
    await answer(dl, INCOME, 'support_type');
    await answer(dl, 'أخرى', 'support_details');
    await answer(dl, DETAILS, 'contact_time');
    await answer(dl, 'أي وقت', 'documents_when');
    await answer(dl, 'الان', 'review_action');
    await answer(dl, 'صحيحة', 'declaration_answer');
    const submitted = allText(await answer(dl, 'أقر', 'id_copies'));
    const reference = /\b\d{4}-\d{4}\b/.exec(submitted)?.[0] ?? '';
    expect(reference).not.toBe('');
    const uploaded = await dl.upload('تقرير نايف.pdf', 'application/pdf', DOCUMENT);
    expect(askedField(uploaded)).toBe('marriage_contract');

    const mine = allText(await dl.say('بياناتي'));
    expect(mine).toContain(reference);

    const admin = await staff.account('admin');
    const list = (await (await staff.api('/staff/api/requests', admin.cookie)).json()) as { items: { id: string; reference: string }[] };
    const request = list.items.find((r) => r.reference === reference);
    expect(request).toBeDefined();
    const read = await staff.api(`/staff/api/requests/${request?.id ?? ''}?view=full&nationalId=${APPLICANT_ID}`, admin.cookie);
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).toContain(APPLICANT_ID);

    // The sweep: the logs were written (turns, requests), and none of the values is in them.
    const log = lines.join('');
    expect(log).toContain(dl.conversationId);
    expect(lines.some((line) => line.includes('"req"'))).toBe(true);
    const secrets = [
      ...APPLICANT.split(' '),
      ...SPOUSE.split(' '),
      APPLICANT_ID,
      SPOUSE_ID,
      WRONG_ID,
      LANDLINE,
      '8452917',
      MOBILE_TYPED,
      ...MOBILE_FORMS,
      INCOME,
      DETAILS,
      'انسداد',
      QUESTION,
      'العقم الثانوي',
      FREE_TEXT,
      'تكيس المبايض',
      'hysterosalpingogram',
      'تقرير نايف',
      dl.token,
      admin.cookie.split('=')[1] ?? admin.cookie,
    ];
    const leaks = secrets.flatMap((secret) => lines.filter((line) => occurs(line, secret)).map((line) => `${secret} in ${line.slice(0, 400)}`));
    expect(leaks).toEqual([]);
    // Requests are logged by path: a query string (a token, an ID) never reaches a log line.
    const urls = lines.flatMap((line) => {
      const url = (JSON.parse(line) as { req?: { url?: string } }).req?.url;
      return url === undefined ? [] : [url];
    });
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => url.includes('?'))).toEqual([]);
  });
});
