import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Activity } from 'botbuilder-core';
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

  it('leaves the rest of the package working when it is loaded later: a handler runs a turn, and an invoke response lands under the package\'s own key', async () => {
    const full = await import('botbuilder-core');
    class Quiet extends BotAdapter {
      override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]) {
        return activities.map(() => ({ id: '' }));
      }
      override async updateActivity() {}
      override async deleteActivity() {}
      override async continueConversation() {}
    }
    // Expect-replies delivery: the one path where TurnContext itself reads the entry point (the invoke key).
    const context = new TurnContext(new Quiet(), {
      type: 'message',
      text: 'مرحبا',
      deliveryMode: 'expectReplies',
      conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' },
    });
    const seen: string[] = [];
    const handler = new full.ActivityHandler().onMessage(async (turn, next) => {
      seen.push(turn.activity.text ?? '');
      await next();
    });
    await handler.run(context);
    expect(seen).toEqual(['مرحبا']);
    await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
    expect(context.turnState.get(full.INVOKE_RESPONSE_KEY)).toMatchObject({ value: { status: 200 } });
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
