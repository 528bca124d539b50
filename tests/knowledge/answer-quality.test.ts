import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { evaluate, evaluationSetSchema } from '../../src/knowledge/evaluate.js';

/**
 * A guard on answer quality with the shipped knowledge: two sets of questions written without seeing
 * the knowledge (`faq-heldout.json`, and `faq-blind2.json`, never used for tuning). A change to the
 * analyzer, the thresholds or the content that makes the bot answer fewer questions right, or guess
 * where it should decline, fails here. Figures: `npm run eval:faq -- tests/fixtures/<set>.json`.
 */
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const knowledge = new KnowledgeBase({ builtinDir: path.join(root, 'knowledge'), guideDirs: [] }, pino({ level: 'silent' }));

async function scores(file: string) {
  const set = evaluationSetSchema.parse(JSON.parse(fs.readFileSync(path.join(root, 'tests', 'fixtures', file), 'utf8')));
  const report = await evaluate(set, (q, locale) => knowledge.answer(q, locale));
  return { topics: report.topical.correct / report.topical.total, declined: report.outOfScope.declined / report.outOfScope.total };
}

describe('answer quality on questions the knowledge was not written from', () => {
  it('answers the held-out questions with their facts and declines the ones it cannot answer', async () => {
    const { topics, declined } = await scores('faq-heldout.json');
    expect(topics).toBeGreaterThanOrEqual(0.95);
    expect(declined).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps its level on the second blind set', async () => {
    const { topics, declined } = await scores('faq-blind2.json');
    expect(topics).toBeGreaterThanOrEqual(0.8);
    expect(declined).toBeGreaterThanOrEqual(0.85);
  });
});
