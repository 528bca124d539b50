import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './app-process.js';

let built: Promise<string> | null = null;

/**
 * The bot as production runs it (`node dist/src/main.js`, see the Dockerfile) rather than through
 * tsx: tsx's loader thread and its compile cache add about 40 MB of RSS and double the start-up time,
 * which the memory figures must not count. Transpiles `src/` and `adapters/` file by file with esbuild
 * (tsx's own compiler; no bundling, no type check — `npm run build` does that) into a temporary folder
 * beside links to package.json, node_modules, flows, locales, knowledge and the web page, so
 * `projectRoot()` finds them. Built once per run; returns the path of `main.js` for
 * `startAppProcess({ entry })`.
 */
export function compiledEntry(): Promise<string> {
  built ??= compile();
  return built;
}

async function compile(): Promise<string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-bench-build-'));
  process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  const entryPoints = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'adapters'))];
  await build({ entryPoints, outdir: out, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
  for (const name of ['package.json', 'node_modules', 'flows', 'locales', 'knowledge']) {
    if (fs.existsSync(path.join(ROOT, name))) fs.symlinkSync(path.join(ROOT, name), path.join(out, name));
  }
  fs.mkdirSync(path.join(out, 'src', 'web'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'src', 'web', 'public'), path.join(out, 'src', 'web', 'public'));
  return path.join(out, 'src', 'main.js');
}

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'public') found.push(...sources(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      found.push(full);
    }
  }
  return found;
}
