import { describe, expect, it } from 'vitest';
import type { KnowledgeProblem } from '../../src/errors/knowledge-error.js';
import { MAX_GUIDE_ANSWER, parseGuide } from '../../src/knowledge/guide-parser.js';

/** Parses a guide from lines of text; returns its entries and the problems found. */
function parse(file: string, lines: readonly string[]) {
  const problems: KnowledgeProblem[] = [];
  const entries = parseGuide(file, lines.join('\n'), problems);
  return { entries, problems };
}

const HOME_VISITS = [
  '# دليل خدمات البحث الاجتماعي', // 1
  '', // 2
  '## الزيارات المنزلية', // 3
  'يزور الباحث الاجتماعي الأسرة في منزلها بعد موافقتها لاستكمال دراسة الحالة.', // 4
  '', // 5
  '## المقابلات الهاتفية', // 6
  'يتصل الباحث بالزوجين لتحديد موعد مناسب.', // 7
  '- تستغرق المقابلة نصف ساعة تقريبًا', // 8
  '* ويمكن تأجيلها مرة واحدة', // 9
];

describe('parseGuide: Markdown', () => {
  it('makes one entry per "##" section, citing the guide title and the section heading', () => {
    const { entries, problems } = parse('/data/knowledge/Social Research.md', HOME_VISITS);
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.source)).toEqual([
      { guide: 'دليل خدمات البحث الاجتماعي', section: 'الزيارات المنزلية' },
      { guide: 'دليل خدمات البحث الاجتماعي', section: 'المقابلات الهاتفية' },
    ]);
    expect(entries[0]).toMatchObject({
      title: 'الزيارات المنزلية',
      questions: ['الزيارات المنزلية'],
      answer: 'يزور الباحث الاجتماعي الأسرة في منزلها بعد موافقتها لاستكمال دراسة الحالة.',
      origin: 'guide',
      file: '/data/knowledge/Social Research.md',
    });
  });

  it('numbers the entries guide:<slug of the file name>:<n>', () => {
    const { entries } = parse('/data/knowledge/Social Research.md', HOME_VISITS);
    expect(entries.map((e) => e.id)).toEqual(['guide:social-research:1', 'guide:social-research:2']);
  });

  it('detects the language of each section from its text', () => {
    const { entries } = parse('mixed.md', ['# Guide', '## الدوام', 'من الأحد إلى الخميس.', '## Office hours', 'Sunday to Thursday.']);
    expect(entries.map((e) => e.locale)).toEqual(['ar', 'en']);
  });

  it('turns list items into bullets in the answer', () => {
    const { entries } = parse('visits.md', HOME_VISITS);
    expect(entries[1]?.answer).toBe('يتصل الباحث بالزوجين لتحديد موعد مناسب.\n• تستغرق المقابلة نصف ساعة تقريبًا\n• ويمكن تأجيلها مرة واحدة');
  });

  it('reads "###" headings as sections too', () => {
    const { entries } = parse('deep.md', ['# Guide', '## Part one', '### Visits', 'We visit families at home.']);
    expect(entries.map((e) => e.title)).toEqual(['Visits']);
  });

  it('keeps an introduction under the title as a section of its own', () => {
    const { entries } = parse('intro.md', ['# Visiting guide', 'How the visits work.', '## Visits', 'We visit families at home.']);
    expect(entries.map((e) => e.source.section)).toEqual(['Visiting guide', 'Visits']);
  });

  it('cuts a long section at a sentence end near 700 characters', () => {
    const sentence = 'The social researcher visits the family at home after they agree, to complete the study of the case. ';
    const { entries } = parse('long.md', ['# Guide', '## Home visits', sentence.repeat(20)]);
    const answer = entries[0]?.answer ?? '';
    expect(answer.length).toBeLessThanOrEqual(MAX_GUIDE_ANSWER + 2);
    expect(answer.length).toBeGreaterThan(MAX_GUIDE_ANSWER / 2);
    expect(answer).toMatch(/case\. …$/);
  });

  it('cuts a long section without sentence ends at 700 characters', () => {
    const { entries } = parse('long.md', ['# دليل', '## قسم طويل', 'كلمة '.repeat(300)]);
    const answer = entries[0]?.answer ?? '';
    expect(answer.endsWith(' …')).toBe(true);
    expect(answer.length).toBeLessThanOrEqual(MAX_GUIDE_ANSWER + 2);
  });

  it('cuts a section title to 60 characters (it becomes a button), keeping the whole heading as the question', () => {
    const heading = 'A very long section heading that goes on and on well past the sixty characters of a button';
    const { entries } = parse('long-title.md', ['# Guide', `## ${heading}`, 'Text.']);
    expect(entries[0]?.title).toBe(heading.slice(0, 60));
    expect(entries[0]?.questions).toEqual([heading]);
  });

  it('ignores a byte-order mark and Windows line ends', () => {
    const problems: KnowledgeProblem[] = [];
    const entries = parseGuide('bom.md', '\uFEFF# Guide\r\n## Visits\r\nWe visit families at home.\r\n', problems);
    expect(problems).toEqual([]);
    expect(entries[0]).toMatchObject({ source: { guide: 'Guide', section: 'Visits' }, answer: 'We visit families at home.' });
  });
});

describe('parseGuide: front matter', () => {
  it('takes the title and the language from the front matter', () => {
    const { entries, problems } = parse('visits.md', ['---', 'title: Home visits guide', 'lang: en', '---', '# ignored heading', '## الزيارات', 'نزور الأسر في منازلها.']);
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ locale: 'en', source: { guide: 'Home visits guide', section: 'الزيارات' } });
  });

  it('lets the front matter give the title of a guide without a "#" line', () => {
    const { entries, problems } = parse('visits.md', ['---', 'title: دليل الزيارات', '---', '## الزيارات', 'نزور الأسر في منازلها.']);
    expect(problems).toEqual([]);
    expect(entries[0]?.source.guide).toBe('دليل الزيارات');
  });
});

describe('parseGuide: plain text', () => {
  it('takes the first line as the title and each paragraph as a section headed by its first line', () => {
    const { entries, problems } = parse('/data/knowledge/visits.txt', [
      '',
      'Home visits guide',
      '',
      'Home visits',
      'The researcher visits the family after they agree.',
      'A visit takes about an hour.',
      '',
      'Visits are free of charge.',
    ]);
    expect(problems).toEqual([]);
    expect(entries.map((e) => ({ id: e.id, source: e.source, answer: e.answer, locale: e.locale }))).toEqual([
      {
        id: 'guide:visits:1',
        source: { guide: 'Home visits guide', section: 'Home visits' },
        answer: 'The researcher visits the family after they agree.\nA visit takes about an hour.',
        locale: 'en',
      },
      { id: 'guide:visits:2', source: { guide: 'Home visits guide', section: 'Visits are free of charge.' }, answer: 'Visits are free of charge.', locale: 'en' },
    ]);
  });

  it('heads a one-line paragraph with its first sentence and answers with the whole line', () => {
    const { entries } = parse('hours.txt', ['دليل الدوام', '', 'الدوام من الأحد إلى الخميس. والجمعة والسبت إجازة.']);
    expect(entries[0]).toMatchObject({
      title: 'الدوام من الأحد إلى الخميس.',
      answer: 'الدوام من الأحد إلى الخميس. والجمعة والسبت إجازة.',
      locale: 'ar',
    });
  });
});

describe('parseGuide: problems, each with its line', () => {
  it('reports a Markdown guide without a "# " title on its first line', () => {
    const { entries, problems } = parse('untitled.md', ['## Visits', 'We visit families at home.']);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ file: 'untitled.md', line: 1, problem: expect.stringContaining('# <name of the guide>') }]);
  });

  it('reports a missing title on the first line after the front matter', () => {
    const { problems } = parse('untitled.md', ['---', 'lang: ar', '---', '## الزيارات', 'نزور الأسر.']);
    expect(problems).toEqual([{ file: 'untitled.md', line: 4, problem: expect.stringContaining('title') }]);
  });

  it('reports an empty section at its heading’s line and keeps the other sections', () => {
    const { entries, problems } = parse('visits.md', ['# Guide', '', '## Visits', '', '## Calls', 'We call couples first.']);
    expect(problems).toEqual([{ file: 'visits.md', line: 3, problem: 'the section "Visits" has no text under it' }]);
    expect(entries.map((e) => e.title)).toEqual(['Calls']);
  });

  it('reports an unknown front matter key at its line', () => {
    const { entries, problems } = parse('visits.md', ['---', 'title: Guide', 'author: staff', '---', '## Visits', 'Text.']);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ file: 'visits.md', line: 3, problem: expect.stringContaining('unknown front matter "author: staff"') }]);
  });

  it('reports a language other than ar or en as unknown front matter', () => {
    const { problems } = parse('visits.md', ['---', 'lang: fr', '---', '# Guide', '## Visits', 'Text.']);
    expect(problems).toEqual([{ file: 'visits.md', line: 2, problem: expect.stringContaining('lang: ar|en') }]);
  });

  it('reports a front matter line that is not "key: value"', () => {
    const { problems } = parse('visits.md', ['---', 'title: Guide', 'just some words', '---', '## Visits', 'Text.']);
    expect(problems).toEqual([{ file: 'visits.md', line: 3, problem: expect.stringContaining('front matter lines look like') }]);
  });

  it('reports front matter that is never closed, at line 1', () => {
    const { entries, problems } = parse('visits.md', ['---', 'title: Guide', '## Visits', 'Text.']);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ file: 'visits.md', line: 1, problem: 'front matter opened with "---" is never closed' }]);
  });

  it('reports text that was not UTF-8 (a replacement character) at its line', () => {
    const { entries, problems } = parse('latin1.md', ['# Guide', '## Visits', 'We visit famil\uFFFDes at home.']);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ file: 'latin1.md', line: 3, problem: 'is not UTF-8 text (save the guide as UTF-8)' }]);
  });

  it('reports control characters (a binary file) as not UTF-8 text', () => {
    const { problems } = parse('binary.txt', ['Title', '', 'PK\u0003\u0004 data']);
    expect(problems).toEqual([{ file: 'binary.txt', line: 3, problem: expect.stringContaining('UTF-8') }]);
  });

  it('reports a guide with a title and no sections, without a line', () => {
    const { entries, problems } = parse('empty.md', ['# Guide', '']);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ file: 'empty.md', problem: expect.stringContaining('has no sections') }]);
  });

  it('reports a text guide with only a title line as having no sections', () => {
    const { problems } = parse('empty.txt', ['Guide', '', '']);
    expect(problems).toEqual([{ file: 'empty.txt', problem: expect.stringContaining('has no sections') }]);
  });

  it('reports only the empty sections of a guide whose every section is empty', () => {
    const { problems } = parse('hollow.md', ['# Guide', '## A', '## B']);
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('refuses a guide larger than 2 MB', () => {
    const problems: KnowledgeProblem[] = [];
    expect(parseGuide('huge.md', `# Guide\n## Part\n${'x'.repeat(2_000_001)}`, problems)).toEqual([]);
    expect(problems).toEqual([{ file: 'huge.md', problem: expect.stringContaining('larger than 2 MB') }]);
  });
});

describe('plain text and front matter edge cases', () => {
  it('keeps the rest of a paragraph\'s first line in its text when the heading is its first sentence', () => {
    const problems: KnowledgeProblem[] = [];
    const [entry] = parseGuide('visits.txt', 'دليل الزيارات\n\nمواعيد الزيارات: من الأحد إلى الخميس\nيرجى الحجز مسبقا.\n', problems);
    expect(entry?.title).toBe('مواعيد الزيارات:');
    expect(entry?.answer).toContain('من الأحد إلى الخميس');
    expect(entry?.answer).toContain('يرجى الحجز مسبقا');
  });

  it('accepts a closing front matter line with trailing spaces', () => {
    const problems: KnowledgeProblem[] = [];
    const entries = parseGuide('g.md', '---\ntitle: دليل\n--- \n# دليل\n## قسم\nنص القسم.\n', problems);
    expect(problems).toEqual([]);
    expect(entries[0]?.source.guide).toBe('دليل');
  });
});
