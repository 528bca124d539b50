import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeValidationError, type KnowledgeProblem } from '../../src/errors/knowledge-error.js';
import { checkGuideFile, loadKnowledge } from '../../src/knowledge/load-knowledge.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const AR_FAQ = `entries:
  - id: home_visits
    title: الزيارات المنزلية
    questions:
      - هل تزورون البيوت
    keywords: [زياره]
    answer: يزور الباحث الاجتماعي الأسرة بعد موافقتها.
    source: { guide: دليل البحث الاجتماعي, section: الزيارات }
`;

const EN_FAQ = `entries:
  - id: home_visits
    title: Home visits
    questions:
      - do you visit homes
    answer: The social researcher visits the family once they agree.
    source: { guide: Social research guide }
`;

let dirs: string[] = [];

/** A knowledge folder in the system temp dir, with the given files (relative path → content). */
function knowledgeDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-knowledge-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The problems loadKnowledge throws with (fails the test if it loads). */
function problemsOf(builtinDir: string, guideDirs: string[] = []): readonly KnowledgeProblem[] {
  try {
    loadKnowledge({ builtinDir, guideDirs });
  } catch (error) {
    if (error instanceof KnowledgeValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the knowledge to be invalid');
}

afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('loadKnowledge: FAQ files', () => {
  it('loads an entry written in both languages, with its locale, origin and file', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ });
    const { entries, synonyms } = loadKnowledge({ builtinDir: dir, guideDirs: [] });
    expect(synonyms).toEqual([]);
    expect(entries).toEqual([
      {
        id: 'home_visits',
        locale: 'ar',
        title: 'الزيارات المنزلية',
        questions: ['هل تزورون البيوت'],
        keywords: ['زياره'],
        answer: 'يزور الباحث الاجتماعي الأسرة بعد موافقتها.',
        source: { guide: 'دليل البحث الاجتماعي', section: 'الزيارات' },
        origin: 'faq',
        file: path.join(dir, 'ar', 'faq.yaml'),
      },
      {
        id: 'home_visits',
        locale: 'en',
        title: 'Home visits',
        questions: ['do you visit homes'],
        keywords: [],
        answer: 'The social researcher visits the family once they agree.',
        source: { guide: 'Social research guide' },
        origin: 'faq',
        file: path.join(dir, 'en', 'faq.yaml'),
      },
    ]);
  });

  it('keeps the decline mark of an entry that is matched only to decline', () => {
    const decline = (faq: string) => faq.replace('    questions:', '    decline: true\n    questions:');
    const dir = knowledgeDir({ 'ar/faq.yaml': decline(AR_FAQ), 'en/faq.yaml': decline(EN_FAQ) });
    expect(loadKnowledge({ builtinDir: dir, guideDirs: [] }).entries.map((e) => e.decline)).toEqual([true, true]);
  });

  it('reads the synonym groups', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ, 'synonyms.yaml': 'groups:\n  - [زياره, visit, ازوركم]\n' });
    expect(loadKnowledge({ builtinDir: dir, guideDirs: [] }).synonyms).toEqual([['زياره', 'visit', 'ازوركم']]);
  });

  it('reports an entry that has no version in the other language, naming its file and the missing language', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ.replace('home_visits', 'visits') });
    expect(problemsOf(dir)).toEqual([
      { file: path.join(dir, 'ar', 'faq.yaml'), problem: 'entry "home_visits" has no en version in knowledge/en/' },
      { file: path.join(dir, 'en', 'faq.yaml'), problem: 'entry "visits" has no ar version in knowledge/ar/' },
    ]);
  });

  it('reports an id used twice in one language, naming both files', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'ar/more.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ });
    expect(problemsOf(dir)).toEqual([{ file: path.join(dir, 'ar', 'more.yaml'), problem: `entry "home_visits" is also in ${path.join(dir, 'ar', 'faq.yaml')}` }]);
  });

  it('reports a YAML syntax error with its file and line', () => {
    const duplicated = AR_FAQ.replace('    answer:', '    title: مكرر\n    answer:');
    const dir = knowledgeDir({ 'ar/faq.yaml': duplicated, 'en/faq.yaml': EN_FAQ });
    const problems = problemsOf(dir);
    expect(problems).toContainEqual({ file: path.join(dir, 'ar', 'faq.yaml'), line: 7, problem: expect.stringContaining('Map keys must be unique') });
  });

  it('reports indentation with a tab at its line', () => {
    const tabbed = EN_FAQ.replace('    title: Home visits', '\ttitle: Home visits');
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': tabbed });
    expect(problemsOf(dir)).toContainEqual({ file: path.join(dir, 'en', 'faq.yaml'), line: 3, problem: expect.stringContaining('Tabs are not allowed') });
  });

  it('reports a title longer than 60 characters at the title’s line', () => {
    const long = EN_FAQ.replace('title: Home visits', `title: ${'Home visits to couples in the Eastern Province, explained in detail'}`);
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': long });
    expect(problemsOf(dir)).toContainEqual({
      file: path.join(dir, 'en', 'faq.yaml'),
      line: 3,
      problem: 'entries.0.title: a title is at most 60 characters (it becomes a button)',
    });
  });

  it('reports an id that is not lower_snake_case at its line', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ.replace('id: home_visits', 'id: Home-Visits'), 'en/faq.yaml': EN_FAQ });
    expect(problemsOf(dir)).toContainEqual({ file: path.join(dir, 'ar', 'faq.yaml'), line: 2, problem: 'entries.0.id: expected lower_snake_case' });
  });

  it('reports an entry without an answer, naming its file and the field', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ.replace(/ {4}answer: .*\n/, ''), 'en/faq.yaml': EN_FAQ });
    expect(problemsOf(dir)).toContainEqual(expect.objectContaining({ file: path.join(dir, 'ar', 'faq.yaml'), problem: expect.stringMatching(/^entries\.0\.answer: /) }));
  });

  it('reports a key the schema does not know', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ.replace('    answer:', '    answr: oops\n    answer:') });
    expect(problemsOf(dir)).toContainEqual(expect.objectContaining({ file: path.join(dir, 'en', 'faq.yaml'), problem: expect.stringContaining('"answr"') }));
  });

  it('reports an invalid synonyms file', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ, 'synonyms.yaml': 'groups:\n  - [وحيد]\n' });
    expect(problemsOf(dir)).toEqual([{ file: path.join(dir, 'synonyms.yaml'), line: 2, problem: expect.stringMatching(/^groups\.0: /) }]);
  });

  it('reports the problems of every file together, in one KnowledgeValidationError', () => {
    const dir = knowledgeDir({
      'ar/faq.yaml': AR_FAQ.replace('title: الزيارات المنزلية', `title: ${'ز'.repeat(61)}`),
      'en/faq.yaml': EN_FAQ.replace('    title: Home visits', '\ttitle: Home visits'),
      'guides/visits.md': '# Visits\n\n## Empty section\n',
    });
    const error = (() => {
      try {
        loadKnowledge({ builtinDir: dir, guideDirs: [] });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(KnowledgeValidationError);
    const { problems, code, message } = error as KnowledgeValidationError;
    expect(code).toBe('KNOWLEDGE_INVALID');
    const files = new Set(problems.map((p) => p.file));
    expect(files).toEqual(new Set([path.join(dir, 'ar', 'faq.yaml'), path.join(dir, 'en', 'faq.yaml'), path.join(dir, 'guides', 'visits.md')]));
    expect(problems).toContainEqual({ file: path.join(dir, 'guides', 'visits.md'), line: 3, problem: 'the section "Empty section" has no text under it' });
    expect(message).toContain(`${path.join(dir, 'ar', 'faq.yaml')}:3: entries.0.title`);
    expect(message).toContain(`${path.join(dir, 'guides', 'visits.md')}:3:`);
  });
});

describe('loadKnowledge: guides', () => {
  it('loads the Markdown and text guides of the guide folders and of <builtinDir>/guides', () => {
    const guides = knowledgeDir({
      'visits.md': '# Home visits guide\n\n## Visits\nWe visit families at home.\n',
      'hours.txt': 'دليل الدوام\n\nالدوام من الأحد إلى الخميس.\n',
      'notes.pdf': 'not a guide',
      '.draft.md': '# Draft\n',
    });
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ, 'guides/intro.md': '# About\n\n## Services\nFree consultations.\n' });
    const { entries } = loadKnowledge({ builtinDir: dir, guideDirs: [guides] });
    expect(entries.filter((e) => e.origin === 'guide').map((e) => [e.id, e.source.guide, e.file])).toEqual([
      ['guide:intro:1', 'About', path.join(dir, 'guides', 'intro.md')],
      ['guide:hours:1', 'دليل الدوام', path.join(guides, 'hours.txt')],
      ['guide:visits:1', 'Home visits guide', path.join(guides, 'visits.md')],
    ]);
  });

  it('is fine with a guide folder that does not exist', () => {
    const dir = knowledgeDir({ 'ar/faq.yaml': AR_FAQ, 'en/faq.yaml': EN_FAQ });
    const { entries } = loadKnowledge({ builtinDir: dir, guideDirs: [path.join(dir, 'no-such-folder')] });
    expect(entries).toHaveLength(2);
  });
});

describe('checkGuideFile', () => {
  it('returns the entries of a valid guide and no problems', () => {
    const dir = knowledgeDir({ 'visits.md': '# Home visits guide\n\n## Visits\nWe visit families at home.\n' });
    const { entries, problems } = checkGuideFile(path.join(dir, 'visits.md'));
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.source)).toEqual([{ guide: 'Home visits guide', section: 'Visits' }]);
  });

  it('refuses a file that is not Markdown or text', () => {
    const file = path.join(knowledgeDir({ 'visits.docx': 'binary' }), 'visits.docx');
    expect(checkGuideFile(file)).toEqual({ entries: [], problems: [{ file, problem: 'a guide is a .md, .markdown or .txt file' }] });
  });
});

describe('the shipped knowledge', () => {
  const builtinDir = path.join(root, 'knowledge');

  it('loads without problems', () => {
    expect(() => loadKnowledge({ builtinDir, guideDirs: [] })).not.toThrow();
  });

  it('has every FAQ id in both Arabic and English', () => {
    const { entries } = loadKnowledge({ builtinDir, guideDirs: [] });
    const locales = new Map<string, string[]>();
    for (const e of entries.filter((entry) => entry.origin === 'faq')) locales.set(e.id, [...(locales.get(e.id) ?? []), e.locale].sort());
    expect(locales.size).toBeGreaterThan(20);
    for (const [id, found] of locales) expect(found, id).toEqual(['ar', 'en']);
  });
});

describe('a broken file among good ones', () => {
  it('reports the broken file alone, not every id of the other language as missing', () => {
    const longTitle = AR_FAQ.replace(/title: [^\n]+/, `title: ${'ع'.repeat(61)}`);
    const problems = problemsOf(knowledgeDir({ 'ar/faq.yaml': longTitle, 'en/faq.yaml': EN_FAQ }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.problem).toContain('60 characters');
  });
});
