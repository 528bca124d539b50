import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BotAdapter, TurnContext } from '../../src/channels/botbuilder.js';

const run = promisify(execFile);

describe('botbuilder-core, loaded slim', () => {
  it('gives the package its own classes, so a turn context built here is one to the whole package', async () => {
    // Loaded after the slim module, as a test or a tool would: the entry point reuses the cached files.
    const full = await import('botbuilder-core');
    expect(TurnContext).toBe(full.TurnContext);
    expect(BotAdapter).toBe(full.BotAdapter);
  });

  it('starts the application without the Azure Bot Service client, which it never calls', async () => {
    // A process of its own: in this one, the test above has loaded the whole package on purpose.
    const probe = [
      "const { createRequire } = await import('node:module');",
      "await import('./src/app.ts');",
      'const loaded = Object.keys(createRequire(import.meta.url).cache);',
      "console.log(JSON.stringify({ connector: loaded.some((file) => file.includes('/botframework-connector/')), core: loaded.some((file) => file.includes('/botbuilder-core/lib/turnContext.js')) }));",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', probe], { cwd: process.cwd(), timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ connector: false, core: true });
  }, 70_000);
});
