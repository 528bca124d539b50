/**
 * `npm run kb -- <command>`: the knowledge base for staff, without code.
 *   check            check every knowledge file (shipped and added); lists problems with file and line
 *   import <file>    check a guide (Markdown or text) and add it; running bots reload it at once
 *   reload           ask every running bot on this Redis to read its knowledge again
 */
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { knowledgeReloadChannel, projectRoot } from '../app.js';
import { loadConfig, type Config } from '../config/config.js';
import { KnowledgeValidationError } from '../errors/knowledge-error.js';
import { checkGuideFile, loadKnowledge } from '../knowledge/load-knowledge.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const [command, file] = process.argv.slice(2);
  const sources = { builtinDir: path.join(projectRoot(), 'knowledge'), guideDirs: [path.join(config.dataDir, 'knowledge')] };
  switch (command) {
    case 'check': {
      const { entries } = loadKnowledge(sources);
      const guides = entries.filter((e) => e.origin === 'guide');
      out(`knowledge is valid: ${entries.length - guides.length} FAQ entries (both languages), ${guides.length} guide sections`);
      return 0;
    }
    case 'import': {
      if (!file) throw new Error('usage: npm run kb -- import <guide.md|guide.txt>');
      const { entries, problems } = checkGuideFile(file);
      if (problems.length > 0) throw new KnowledgeValidationError(problems);
      const target = path.join(sources.guideDirs[0] ?? config.dataDir, path.basename(file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
      out(`added ${path.basename(file)}: "${entries[0]?.source.guide ?? ''}", ${entries.length} sections → ${target}`);
      await announceReload(config);
      return 0;
    }
    case 'reload':
      await announceReload(config);
      return 0;
    default:
      throw new Error('usage: npm run kb -- check | import <file> | reload');
  }
}

/** Bots watching the folder reload by themselves; this also reaches bots on other machines sharing Redis. */
async function announceReload(config: Config): Promise<void> {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const listeners = await redis.publish(knowledgeReloadChannel(config.redisPrefix), 'reload');
    out(`reload announced to ${listeners} running process(es)`);
  } catch {
    out('Redis is not reachable: bots on this machine still reload when they see the file change');
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
