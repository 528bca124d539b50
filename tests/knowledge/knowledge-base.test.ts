import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerResult } from '../../src/bot/answerer.js';
import { KnowledgeValidationError } from '../../src/errors/knowledge-error.js';
import type { Locale } from '../../src/i18n/i18n.js';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { createLogger } from '../../src/logging/logger.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const HOME_VISITS_GUIDE = [
  '# دليل الزيارات المنزلية',
  '',
  '## مواعيد الزيارات المنزلية',
  'يزور الباحث الاجتماعي الأسرة في منزلها بعد موافقتها، في موعد يتفق عليه معها، لاستكمال دراسة الحالة.',
  '',
].join('\n');
const GUIDE_QUESTION = 'متى مواعيد الزيارات المنزلية';

let tmp: string;
let builtinDir: string;
let guideDir: string;
let logLines: string[];
let knowledge: KnowledgeBase | null;

/** A knowledge base over a copy of the shipped knowledge and a guide folder that does not exist yet. */
function open(): KnowledgeBase {
  knowledge = new KnowledgeBase(
    { builtinDir, guideDirs: [guideDir] },
    createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } }),
  );
  return knowledge;
}

/** Asks until the reply satisfies `done` or ~3 s pass; returns the last reply. */
async function askUntil(kb: KnowledgeBase, text: string, locale: Locale, done: (r: AnswerResult) => boolean): Promise<AnswerResult> {
  let result = await kb.answer(text, locale);
  for (let waited = 0; !done(result) && waited < 3_000; waited += 100) {
    await sleep(100);
    result = await kb.answer(text, locale);
  }
  return result;
}

const fromGuide = (r: AnswerResult) => r.kind === 'answer' && r.source !== undefined;
const logged = (event: string) => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-kb-'));
  builtinDir = path.join(tmp, 'knowledge');
  guideDir = path.join(tmp, 'data', 'knowledge');
  fs.cpSync(path.join(root, 'knowledge'), builtinDir, { recursive: true });
  logLines = [];
  knowledge = null;
});

afterEach(() => {
  knowledge?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('KnowledgeBase', () => {
  it('answers from the shipped knowledge as soon as it is built', async () => {
    const kb = open();
    expect(kb.size).toBeGreaterThan(20);
    expect(await kb.answer('كم يوم تاخذون عشان تردون على الطلب', 'ar')).toMatchObject({ kind: 'answer', id: 'decision_time' });
  });

  it('refuses to start from invalid knowledge, with every problem', () => {
    fs.writeFileSync(path.join(builtinDir, 'en', 'broken.yaml'), 'entries:\n  - id: x\n\ttitle: y\n');
    expect(() => open()).toThrow(KnowledgeValidationError);
  });

  it('answers from a guide written into the guide folder after watch(), without a restart, citing the guide', async () => {
    const kb = open();
    kb.watch();
    expect(fs.existsSync(guideDir)).toBe(true);
    expect(fromGuide(await kb.answer(GUIDE_QUESTION, 'ar'))).toBe(false);
    const before = kb.size;

    fs.writeFileSync(path.join(guideDir, 'home-visits.md'), HOME_VISITS_GUIDE);
    const result = await askUntil(kb, GUIDE_QUESTION, 'ar', fromGuide);

    expect(result).toMatchObject({
      kind: 'answer',
      id: 'guide:home-visits:1',
      text: expect.stringContaining('يزور الباحث الاجتماعي الأسرة في منزلها'),
      source: { guide: 'دليل الزيارات المنزلية', section: 'مواعيد الزيارات المنزلية' },
    });
    expect(kb.size).toBe(before + 1);
    expect(logged('knowledge.reloaded').length).toBeGreaterThan(0);
  });

  it('picks up an edited FAQ answer while watching', async () => {
    const kb = open();
    kb.watch();
    const faq = path.join(builtinDir, 'en', 'faq.yaml');
    fs.writeFileSync(faq, fs.readFileSync(faq, 'utf8').replace('Friday and Saturday are the weekend.', 'Friday and Saturday are the days off.'));
    const result = await askUntil(kb, 'does your staff work on thursdays', 'en', (r) => r.kind === 'answer' && r.text.includes('days off'));
    expect(result).toMatchObject({ kind: 'answer', id: 'working_days', text: expect.stringContaining('Friday and Saturday are the days off.') });
  });

  it('reloads on command', async () => {
    const kb = open();
    fs.mkdirSync(guideDir, { recursive: true });
    fs.writeFileSync(path.join(guideDir, 'home-visits.md'), HOME_VISITS_GUIDE);
    expect(kb.reload()).toBe(true);
    expect(await kb.answer(GUIDE_QUESTION, 'ar')).toMatchObject({ kind: 'answer', source: { guide: 'دليل الزيارات المنزلية' } });
  });

  it('keeps answering from the previous knowledge when a reload finds an invalid file, and logs its problems', async () => {
    const kb = open();
    fs.mkdirSync(guideDir, { recursive: true });
    fs.writeFileSync(path.join(guideDir, 'home-visits.md'), HOME_VISITS_GUIDE);
    expect(kb.reload()).toBe(true);
    const size = kb.size;

    const broken = path.join(guideDir, 'broken.md');
    fs.writeFileSync(broken, '## A section before any title\nSome text.\n');
    expect(kb.reload()).toBe(false);

    expect(kb.size).toBe(size);
    expect(await kb.answer(GUIDE_QUESTION, 'ar')).toMatchObject({ kind: 'answer', id: 'guide:home-visits:1' });
    expect(await kb.answer('ابغى اكون متطوع عندكم', 'ar')).toMatchObject({ kind: 'answer', id: 'volunteer' });
    const [failed] = logged('knowledge.reload_failed');
    expect(failed?.problems).toEqual([{ file: broken, line: 1, problem: expect.stringContaining('title') }]);
  });

  it('keeps the previous knowledge when an FAQ file breaks while watching', async () => {
    const kb = open();
    kb.watch();
    fs.writeFileSync(path.join(builtinDir, 'ar', 'extra.yaml'), 'entries:\n  - id: only_arabic\n    title: سؤال\n    questions: [سؤال]\n    answer: جواب\n    source: { guide: دليل }\n');
    for (let waited = 0; logged('knowledge.reload_failed').length === 0 && waited < 3_000; waited += 100) await sleep(100);
    expect(logged('knowledge.reload_failed')).toHaveLength(1);
    expect(await kb.answer('ابغى اكون متطوع عندكم', 'ar')).toMatchObject({ kind: 'answer', id: 'volunteer' });
  });

  it('stops watching after close()', async () => {
    const kb = open();
    kb.watch();
    kb.close();
    fs.writeFileSync(path.join(guideDir, 'home-visits.md'), HOME_VISITS_GUIDE);
    await sleep(1_000);
    expect(fromGuide(await kb.answer(GUIDE_QUESTION, 'ar'))).toBe(false);
    expect(logged('knowledge.reloaded')).toEqual([]);
  });

  it('can be closed without ever watching, and twice', () => {
    const kb = open();
    expect(() => {
      kb.close();
      kb.close();
    }).not.toThrow();
  });
});
