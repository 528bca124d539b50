import fs from 'node:fs';
import { loadKnowledge } from '../knowledge/load-knowledge.js';
import { KnowledgeIndex, rank } from '../knowledge/knowledge-index.js';
const { entries, synonyms } = loadKnowledge({ builtinDir: 'knowledge', guideDirs: [] });
const index = new KnowledgeIndex(entries, synonyms);
for (const file of process.argv.slice(2)) {
  const set = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const item of set.questions) {
    const { terms, matches } = index.match(item.q);
    const [a, b] = matches;
    const exp = item.oos ? 'OOS' : item.topic;
    const ok = a ? (a.topic.key === exp ? 'Y' : 'n') : '-';
    console.log([exp.padEnd(20), ok, a?.topic.key.padEnd(20) ?? ''.padEnd(20), (a?.coverage ?? 0).toFixed(2), a && b ? (rank(b) / rank(a)).toFixed(2) : '0.00', a?.exact ? 'X' : ' ', terms.join(' ')].join(' '));
  }
}
