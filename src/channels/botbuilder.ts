/**
 * The two classes of botbuilder-core the bot runs on, `BotAdapter` and `TurnContext`, loaded without
 * the rest of the package.
 *
 * `botbuilder-core`'s entry point loads everything the package has, among it the Azure Bot Service
 * client (botframework-connector, with MSAL, axios and JWT code), which this bot never calls: it
 * speaks to its channels through its own adapters. That costs about 40 MB of RSS and 13 MB of heap
 * in every process, a fifth of the memory budget for 10,000 conversations (docs/performance.md,
 * benchmark 5), and a second or more of start-up. The two classes themselves need three small files
 * and botframework-schema; the one thing `turnContext.js` takes from the entry point is the
 * `INVOKE_RESPONSE_KEY` symbol, when it sends an invoke response (which this bot never does).
 *
 * So while the two files load, the package's entry point is answered by a stand-in, taken away again
 * at once: whatever a file reads from it later (only `turnContext.js`, and only when it sends an
 * invoke response) is read from the real entry point, loaded then. A later `import 'botbuilder-core'`
 * (a test, a tool) loads the whole package as usual and gets these very classes from Node's module
 * cache. If the entry point is already loaded, it is used as it is.
 * `tests/channels/botbuilder.test.ts` holds both halves to it: the classes are the package's own,
 * and the application's modules load without botframework-connector.
 */
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import type * as Core from 'botbuilder-core';

type Slim = { BotAdapter: typeof Core.BotAdapter; TurnContext: typeof Core.TurnContext };

const require = createRequire(import.meta.url);

function loadSlim(): Slim {
  const entry = require.resolve('botbuilder-core');
  const loaded = require.cache[entry];
  if (loaded?.loaded) {
    const full = loaded.exports as typeof Core;
    return { BotAdapter: full.BotAdapter, TurnContext: full.TurnContext };
  }
  const lib = path.dirname(entry);
  let loading = true;
  const standIn = new Module(entry);
  standIn.filename = entry;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      // Read when used, not when loaded; by then the stand-in is gone and this loads the real one.
      get: (_target, name) => (loading ? undefined : (require(entry) as Record<PropertyKey, unknown>)[name]),
    },
  );
  require.cache[entry] = standIn;
  try {
    const { TurnContext } = require(path.join(lib, 'turnContext.js')) as Pick<Slim, 'TurnContext'>;
    const { BotAdapter } = require(path.join(lib, 'botAdapter.js')) as Pick<Slim, 'BotAdapter'>;
    return { BotAdapter, TurnContext };
  } finally {
    loading = false;
    if (require.cache[entry] === standIn) delete require.cache[entry];
  }
}

const slim = loadSlim();

export const BotAdapter = slim.BotAdapter;
export type BotAdapter = Core.BotAdapter;
export const TurnContext = slim.TurnContext;
export type TurnContext = Core.TurnContext;
