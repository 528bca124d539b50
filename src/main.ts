/**
 * Process entry point: `npm start` (web + workers), `npm run web`, `npm run worker`.
 * The only module with side effects: reads the environment once, builds the app, handles signals.
 */
import { createApp, type AppRole } from './app.js';
import { loadConfig } from './config/config.js';
import { AppError } from './errors/app-error.js';

function roleFromArgs(argv: string[]): AppRole {
  const arg = argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  return arg === 'web' || arg === 'worker' ? arg : 'all';
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`Configuration error: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = await createApp(config, { role: roleFromArgs(process.argv.slice(2)) });
  const url = await app.start();
  app.logger.info({ event: 'app.started', url }, url ? `Injab Bot is listening at ${url}` : 'Injab Bot workers started');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'app.stopping', signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error, event: 'app.stop_failed' }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof AppError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`Injab Bot could not start: ${message}\n`);
  process.exit(1);
});
