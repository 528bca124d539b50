/**
 * `npm run chat`: talk to the bot in a terminal, through the same turn runner, flows and store as
 * every other channel. The conversation is kept per user of this machine, so it resumes next time.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import readline from 'node:readline/promises';
import { pino } from 'pino';
import { ConsoleAdapter } from '../../adapters/console/console-adapter.js';
import { createApp } from '../app.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  const adapter = new ConsoleAdapter((line) => process.stdout.write(line));
  const app = await createApp(config, { role: 'cli', logger, adapters: [adapter] });
  const externalId = `cli-${os.userInfo().username}`;
  const conversation =
    (await app.store.conversations.findByExternal(adapter.channel, externalId)) ??
    (await app.store.conversations.create({ channel: adapter.channel, externalId }));

  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  process.stdout.write(`${app.i18n.t('ar', 'cli.intro')}\n${app.i18n.t('en', 'cli.intro')}\n`);
  process.stdout.write('> ');
  for await (const line of rl) {
    await app.runner.receive(conversation, {
      type: 'message',
      id: crypto.randomUUID(),
      text: line,
      from: { id: externalId, name: '', role: 'user' },
      recipient: { id: 'injab-bot', name: 'Injab', role: 'bot' },
    });
    process.stdout.write('> ');
  }
  // Ctrl+D (or the end of piped input): every turn above has finished; close cleanly.
  await app.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`chat could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
