import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { KnowledgeValidationError, type KnowledgeProblem } from '../errors/knowledge-error.js';
import { LOCALES } from '../i18n/i18n.js';
import { faqFileSchema, synonymsFileSchema, type KnowledgeEntry } from './entry.js';
import { parseGuide } from './guide-parser.js';

export type KnowledgeSources = {
  /** The knowledge shipped with the bot: `<dir>/<locale>/*.yaml`, `<dir>/synonyms.yaml`, `<dir>/guides/`. */
  builtinDir: string;
  /** Folders of guides staff add (Markdown or text), e.g. `<DATA_DIR>/knowledge`. Missing folders are fine. */
  guideDirs: readonly string[];
};

export type KnowledgeContent = { entries: KnowledgeEntry[]; synonyms: string[][] };

export const GUIDE_FILE = /\.(md|markdown|txt)$/i;

/**
 * Reads and checks every knowledge file. FAQ entries must exist in both languages under the same
 * id; a guide must have a title and sections with text. All problems come back together, each with
 * its file and line.
 *
 * @throws KnowledgeValidationError
 */
export function loadKnowledge(sources: KnowledgeSources): KnowledgeContent {
  const problems: KnowledgeProblem[] = [];
  const entries: KnowledgeEntry[] = [];
  for (const locale of LOCALES) {
    for (const file of listFiles(path.join(sources.builtinDir, locale), /\.ya?ml$/)) {
      const parsed = readYaml(file, faqFileSchema, problems);
      for (const e of parsed?.entries ?? []) {
        const { decline, offerPerson, offerFlow, ...rest } = e;
        entries.push({
          ...rest,
          keywords: e.keywords ?? [],
          locale,
          origin: 'faq',
          file,
          source: withoutUndefined(e.source),
          ...(decline ? { decline } : {}),
          ...(offerPerson ? { offerPerson } : {}),
          ...(offerFlow ? { offerFlow } : {}),
        });
      }
    }
  }
  // A file that failed its check lost its entries: comparing languages then would only add noise.
  if (problems.length === 0) checkFaqIds(entries, problems);
  for (const dir of [path.join(sources.builtinDir, 'guides'), ...sources.guideDirs]) {
    for (const file of listFiles(dir, GUIDE_FILE)) entries.push(...parseGuide(file, fs.readFileSync(file, 'utf8'), problems));
  }
  const synonymsFile = path.join(sources.builtinDir, 'synonyms.yaml');
  const synonyms = fs.existsSync(synonymsFile) ? (readYaml(synonymsFile, synonymsFileSchema, problems)?.groups ?? []) : [];
  if (problems.length > 0) throw new KnowledgeValidationError(problems);
  return { entries, synonyms };
}

/** Checks one guide file without loading anything else (for the import command). */
export function checkGuideFile(file: string): { entries: KnowledgeEntry[]; problems: KnowledgeProblem[] } {
  const problems: KnowledgeProblem[] = [];
  if (!GUIDE_FILE.test(file)) return { entries: [], problems: [{ file, problem: 'a guide is a .md, .markdown or .txt file' }] };
  const entries = parseGuide(file, fs.readFileSync(file, 'utf8'), problems);
  return { entries, problems };
}

function checkFaqIds(entries: KnowledgeEntry[], problems: KnowledgeProblem[]): void {
  const byLocale = new Map(LOCALES.map((l) => [l, new Map<string, KnowledgeEntry>()]));
  for (const entry of entries) {
    const seen = byLocale.get(entry.locale);
    const earlier = seen?.get(entry.id);
    if (earlier) problems.push({ file: entry.file, problem: `entry "${entry.id}" is also in ${earlier.file}` });
    seen?.set(entry.id, entry);
  }
  for (const [locale, ids] of byLocale) {
    for (const other of LOCALES.filter((l) => l !== locale)) {
      for (const [id, entry] of ids) {
        if (!byLocale.get(other)?.has(id)) problems.push({ file: entry.file, problem: `entry "${id}" has no ${other} version in knowledge/${other}/` });
      }
    }
  }
}

function readYaml<S extends z.ZodType>(file: string, schema: S, problems: KnowledgeProblem[]): z.infer<S> | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) problems.push({ file, ...lineOf(error.linePos?.[0]?.line), problem: error.message.split('\n')[0] ?? 'invalid YAML' });
    return null;
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    problems.push({ file, ...lineOf(line), problem: `${issue.path.join('.') || 'file'}: ${issue.message}` });
  }
  return null;
}

const lineOf = (line: number | undefined): { line?: number } => (line ? { line } : {});

function listFiles(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => pattern.test(name) && !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name));
}

function withoutUndefined(source: { guide: string; section?: string | undefined }): { guide: string; section?: string } {
  return source.section === undefined ? { guide: source.guide } : { guide: source.guide, section: source.section };
}
