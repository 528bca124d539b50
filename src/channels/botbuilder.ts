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
 * `INVOKE_RESPONSE_KEY` symbol (of `activityHandlerBase.js`).
 *
 * So while the two files load, the package's entry point is answered by a small module holding only
 * that symbol, the real one; it is taken away again at once. A later `import 'botbuilder-core'`
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
  const standIn = new Module(entry);
  standIn.filename = entry;
  standIn.loaded = true;
  const exports: { INVOKE_RESPONSE_KEY?: symbol } = {};
  standIn.exports = exports;
  require.cache[entry] = standIn;
  try {
    exports.INVOKE_RESPONSE_KEY = (require(path.join(lib, 'activityHandlerBase.js')) as { INVOKE_RESPONSE_KEY: symbol }).INVOKE_RESPONSE_KEY;
    const { TurnContext } = require(path.join(lib, 'turnContext.js')) as Pick<Slim, 'TurnContext'>;
    const { BotAdapter } = require(path.join(lib, 'botAdapter.js')) as Pick<Slim, 'BotAdapter'>;
    return { BotAdapter, TurnContext };
  } finally {
    if (require.cache[entry] === standIn) delete require.cache[entry];
  }
}

const slim = loadSlim();

export const BotAdapter = slim.BotAdapter;
export type BotAdapter = Core.BotAdapter;
export const TurnContext = slim.TurnContext;
export type TurnContext = Core.TurnContext;
