/**
 * `npm run eval:faq -- <set.json> [--knowledge <dir>]`: asks every question of an evaluation set
 * (the format of faq-dev.json) and prints topic accuracy, the out-of-scope decline rate and the misses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { projectRoot } from '../app.js';
import { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { evaluate, evaluationSetSchema, formatReport } from '../knowledge/evaluate.js';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { knowledge: { type: 'string' }, guides: { type: 'string', multiple: true } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: npm run eval:faq -- <set.json> [--knowledge <dir>] [--guides <dir>]');
  const set = evaluationSetSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const knowledge = new KnowledgeBase(
    { builtinDir: values.knowledge ?? path.join(projectRoot(), 'knowledge'), guideDirs: values.guides ?? [] },
    pino({ level: 'silent' }),
  );
  const report = await evaluate(set, (q, locale) => knowledge.answer(q, locale));
  process.stdout.write(`${path.basename(file)}: ${set.questions.length} questions, knowledge of ${knowledge.size} topics\n${formatReport(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`eval:faq failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
