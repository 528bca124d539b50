import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KnowledgeEntry } from '../../src/knowledge/entry.js';
import { decide } from '../../src/knowledge/knowledge-answerer.js';
import { KnowledgeIndex } from '../../src/knowledge/knowledge-index.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shipped = loadKnowledge({ builtinDir: path.join(root, 'knowledge'), guideDirs: [] });

/**
 * Guide sections that all speak of applying ("كيف", "طلب", "تقديم" in every one), as a large
 * association's guides would: each of those words is in nearly every topic.
 */
function applicationSections(count: number): KnowledgeEntry[] {
  const words = ['موعد', 'مراجعه', 'ملف', 'رساله', 'اسبوع', 'مكتب', 'اتصال', 'نموذج', 'زياره', 'ورقه', 'توقيع', 'فرع'];
  const word = (i: number) => words[i % words.length] ?? '';
  return Array.from({ length: count }, (_, i) => ({
    id: `section_${i}`,
    locale: 'ar',
    title: `قسم ${i} ${word(i)}`,
    questions: [`كيف طلب ${word(i)} ${word(i * 7 + 3)}`],
    keywords: [],
    answer: `تقديم طلب ${word(i * 5 + 1)} ${word(i * 3 + 2)} عبر المكتب`,
    source: { guide: 'sections', section: String(i) },
    origin: 'guide',
    file: 'sections.md',
  }));
}

describe('KnowledgeIndex among many topics', () => {
  const index = new KnowledgeIndex([...shipped.entries, ...applicationSections(1000)], shipped.synonyms);

  it.each(['شلون اقدم طلب', 'كيف اقدم على الطلب'])('still answers %j, whose every word is in nearly all of 1,000 topics, with how_to_apply', (question) => {
    const { matches } = index.match(question);
    expect(matches[0]?.topic.key).toBe('how_to_apply');
    expect(decide(index, question, 'ar')).toMatchObject({ kind: 'answer', id: 'how_to_apply' });
  });

  it('counts a word too common to search for in the coverage of the topic that has it', () => {
    // "كيف" is in nearly every topic, so only "تطوع" is searched; the volunteering topic still explains all of the question.
    const [best] = index.match('كيف اتطوع').matches;
    expect(best?.topic.key).toBe('volunteer');
    expect(best?.coverage).toBe(1);
  });
});
