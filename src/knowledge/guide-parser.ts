import { hasArabic } from '../text/normalize.js';
import type { KnowledgeProblem } from '../errors/knowledge-error.js';
import type { KnowledgeEntry } from './entry.js';

/** Longest answer drawn from a guide section; longer sections are cut at a paragraph or sentence end. */
export const MAX_GUIDE_ANSWER = 700;
const MAX_GUIDE_BYTES = 2_000_000;

type Section = { heading: string; line: number; body: string[] };

/**
 * Reads a guide (Markdown or plain text) into answerable sections. Markdown: `# Title`, then each
 * `##`/`###` heading starts a section. Plain text: the first line is the title, and each paragraph
 * (separated by a blank line) is a section whose first line is its heading. Optional front matter
 * (`---` / `title:` / `lang: ar|en` / `---`) overrides the title and language.
 */
export function parseGuide(file: string, content: string, problems: KnowledgeProblem[]): KnowledgeEntry[] {
  const report = (line: number | undefined, problem: string) => problems.push({ file, ...(line ? { line } : {}), problem });
  const fail = (line: number | undefined, problem: string): KnowledgeEntry[] => {
    report(line, problem);
    return [];
  };
  if (Buffer.byteLength(content) > MAX_GUIDE_BYTES) return fail(undefined, 'is larger than 2 MB; split it into several guides');
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const badLine = lines.findIndex((l) => l.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F]/.test(l));
  if (badLine >= 0) return fail(badLine + 1, 'is not UTF-8 text (save the guide as UTF-8)');
  const front = readFrontMatter(lines);
  if ('problem' in front) return fail(front.line, front.problem);
  const markdown = /\.(md|markdown)$/i.test(file);
  const parsed = markdown ? markdownSections(lines, front.bodyStart) : textSections(lines, front.bodyStart);
  const title = front.title ?? parsed.title;
  if (!title) return fail(front.bodyStart + 1, markdown ? 'a guide starts with its title: a line "# <name of the guide>"' : 'the first line must be the guide’s title');
  const entries: KnowledgeEntry[] = [];
  const slug = file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9\u0600-\u06ff]+/g, '-');
  for (const [index, section] of parsed.sections.entries()) {
    const body = section.body.join('\n').trim();
    if (body === '') {
      report(section.line, `the section "${section.heading}" has no text under it`);
      continue;
    }
    const locale = front.lang ?? (hasArabic(`${section.heading} ${body}`) ? 'ar' : 'en');
    entries.push({
      id: `guide:${slug}:${index + 1}`,
      locale,
      title: section.heading.slice(0, 60),
      questions: [section.heading],
      keywords: [],
      answer: shorten(body),
      source: { guide: title, section: section.heading },
      origin: 'guide',
      file,
    });
  }
  if (entries.length === 0 && problems.every((p) => p.file !== file)) report(undefined, 'has no sections to answer from (add "## " headings with text under them)');
  return entries;
}

type FrontMatter = { title?: string; lang?: 'ar' | 'en'; bodyStart: number } | { problem: string; line: number };

function readFrontMatter(lines: string[]): FrontMatter {
  if (lines[0]?.trim() !== '---') return { bodyStart: 0 };
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) return { problem: 'front matter opened with "---" is never closed', line: 1 };
  const result: { title?: string; lang?: 'ar' | 'en'; bodyStart: number } = { bodyStart: end + 1 };
  for (let i = 1; i < end; i += 1) {
    const match = /^(\w+):\s*(.*)$/.exec(lines[i] ?? '');
    if (!match) return { problem: 'front matter lines look like "title: …" or "lang: ar"', line: i + 1 };
    const [, key, value = ''] = match;
    if (key === 'title') result.title = value.trim();
    else if (key === 'lang' && (value.trim() === 'ar' || value.trim() === 'en')) result.lang = value.trim() as 'ar' | 'en';
    else return { problem: `unknown front matter "${key}: ${value}" (known: title, lang: ar|en)`, line: i + 1 };
  }
  return result;
}

function markdownSections(lines: string[], start: number): { title?: string; sections: Section[] } {
  let title: string | undefined;
  const sections: Section[] = [];
  let current: Section | null = null;
  for (let i = start; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1] === '#' && title === undefined) {
      title = heading[2];
      current = { heading: heading[2] ?? '', line: i + 1, body: [] };
      sections.push(current);
    } else if (heading) {
      current = { heading: heading[2] ?? '', line: i + 1, body: [] };
      sections.push(current);
    } else if (current) {
      current.body.push(line.replace(/^\s*[-*+]\s+/, '• '));
    }
  }
  // The title's own section counts only if it has an introduction under it.
  const [first, ...rest] = sections;
  const sectionsOut = first && first.body.join('').trim() === '' && first.heading === title ? rest : sections;
  return { ...(title ? { title } : {}), sections: sectionsOut };
}

function textSections(lines: string[], start: number): { title?: string; sections: Section[] } {
  const firstLine = lines.slice(start).findIndex((l) => l.trim() !== '');
  if (firstLine < 0) return { sections: [] };
  const titleIndex = start + firstLine;
  const sections: Section[] = [];
  let current: Section | null = null;
  for (let i = titleIndex + 1; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '') current = null;
    else if (!current) sections.push((current = { heading: line, line: i + 1, body: [] }));
    else current.body.push(line);
  }
  // A one-line paragraph is its own text: its heading is its first sentence.
  for (const s of sections) if (s.body.length === 0) s.body.push(s.heading);
  // The heading is the first line's first sentence; the rest of that line stays in the text.
  const withHeadings = sections.map((s) => {
    const heading = firstSentence(s.heading);
    const rest = s.heading.slice(heading.length).trim();
    return { ...s, heading, body: rest && !(s.body.length === 1 && s.body[0] === s.heading) ? [rest, ...s.body] : s.body };
  });
  return { title: (lines[titleIndex] ?? '').trim(), sections: withHeadings };
}

function firstSentence(text: string): string {
  return (/^.{1,80}?[.!؟?:]/.exec(text)?.[0] ?? text.slice(0, 80)).trim();
}

function shorten(body: string): string {
  if (body.length <= MAX_GUIDE_ANSWER) return body;
  const cut = body.slice(0, MAX_GUIDE_ANSWER);
  const at = Math.max(cut.lastIndexOf('\n\n'), cut.lastIndexOf('. '), cut.lastIndexOf('۔'), cut.lastIndexOf('. '));
  return `${cut.slice(0, at > MAX_GUIDE_ANSWER / 2 ? at + 1 : MAX_GUIDE_ANSWER).trim()} …`;
}
