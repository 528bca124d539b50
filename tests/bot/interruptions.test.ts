import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/bot/answerer.js';
import { normalizeArabic } from '../../src/text/normalize.js';
import { allText, DirectLineClient } from '../helpers/directline-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, type TestApp } from '../helpers/test-app.js';

/**
 * The real flows and locales plus a small form that needs consent, served over Direct Line with an
 * answerer that knows one question — enough to watch consent, refusals and interruptions.
 */
const root = tempDir('interrupt');
const flowsDir = path.join(root, 'flows');
const localesDir = path.join(root, 'locales');

const answerer: Answerer = {
  async answer(text) {
    return /كم مده|how long/.test(normalizeArabic(text))
      ? { kind: 'answer', id: 'decision_time', score: 0.9, text: 'TEST-ANSWER: two weeks at least' }
      : { kind: 'none', understood: true };
  },
};

let t: TestApp;

beforeAll(async () => {
  fs.cpSync('flows', flowsDir, { recursive: true });
  fs.cpSync('locales', localesDir, { recursive: true });
  fs.writeFileSync(
    path.join(flowsDir, 'test-form.yaml'),
    [
      'id: test_form',
      'start: national_id',
      'consent: true',
      'triggers: testform.triggers',
      'steps:',
      '  national_id:',
      '    ask: testform.national_id',
      '    input: nationalId',
      '    next: children',
      '  children:',
      '    ask: testform.children',
      '    input: number',
      '    min: 0',
      '    max: 20',
      '    next: done',
      '  done:',
      '    say: testform.done',
      '    next: end',
    ].join('\n'),
  );
  for (const [locale, texts] of Object.entries({
    ar: ['testform:', '  triggers: نموذج تجريبي', '  national_id: ما رقم هويتك؟', '  children: كم عدد الأطفال؟', '  done: تم.'],
    en: ['testform:', '  triggers: test form', '  national_id: What is your ID number?', '  children: How many children?', '  done: Done.'],
  })) {
    fs.writeFileSync(path.join(localesDir, locale, 'testform.yaml'), texts.join('\n'));
  }
  t = await startTestApp({ flowsDir, localesDir, answerer });
});

afterAll(async () => {
  await t.stop();
  await clearRedisPrefix(t.prefix);
  removeDir(t.dataDir);
  removeDir(root);
});

describe('a form in a conversation', () => {
  it('shows the privacy notice and asks for consent before the first personal question', async () => {
    const dl = await DirectLineClient.start(t.url);
    const replies = await dl.say('ابي نموذج تجريبي');
    expect(allText(replies)).toContain('نحتاج موافقتك');
    expect(allText(replies)).not.toContain('ما رقم هويتك');
    const after = await dl.say('أوافق');
    expect(allText(after)).toContain('ما رقم هويتك');
    expect(after.at(-1)?.channelData).toMatchObject({ field: 'national_id', inputType: 'nationalId' });
  });

  it('answers a question asked mid-form, then asks the same question again, keeping earlier answers', async () => {
    const dl = await DirectLineClient.start(t.url);
    await dl.say('ابي نموذج تجريبي');
    await dl.say('أوافق');
    await dl.say('١٠٥٨٥٢٩٩٤٠');
    const interrupted = await dl.say('كم مدة الرد على الطلب؟');
    expect(allText(interrupted)).toContain('TEST-ANSWER');
    expect(interrupted.at(-1)?.text).toContain('كم عدد الأطفال');
    expect(interrupted.at(-1)?.channelData).toMatchObject({ faq: { id: 'decision_time' } });
    const done = await dl.say('2');
    expect(allText(done)).toContain('تم.');
  });

  it('refuses a wrong check digit with a specific message and asks again', async () => {
    const dl = await DirectLineClient.start(t.url);
    await dl.say('test form');
    await dl.say('I agree');
    const refused = await dl.say('1058529941');
    expect(allText(refused)).toMatch(/not valid; a digit seems to be mistyped/);
    expect(refused.at(-1)?.channelData).toMatchObject({ field: 'national_id' });
  });

  it('keeps the open question when the language is switched, and asks it in the new language', async () => {
    const dl = await DirectLineClient.start(t.url);
    await dl.say('ابي نموذج تجريبي');
    await dl.say('أوافق');
    const switched = await dl.say('English');
    expect(allText(switched)).toContain('What is your ID number?');
  });

  it('goes back to the previous question on "رجوع"', async () => {
    const dl = await DirectLineClient.start(t.url);
    await dl.say('ابي نموذج تجريبي');
    await dl.say('أوافق');
    await dl.say('1058529940');
    const back = await dl.say('رجوع');
    expect(back.at(-1)?.text).toContain('ما رقم هويتك');
  });
});
