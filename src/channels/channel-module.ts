import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { I18n } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/types.js';
import type { TurnRunner } from '../turn/turn-runner.js';
import type { ChannelAdapter } from './channel-adapter.js';

/** What a channel module gets from the composition root. */
export type ChannelDependencies = { config: Config; store: Store; runner: TurnRunner; logger: Logger; i18n: I18n };

/**
 * A messaging platform plugged into the bot: its adapter (registered with the turn runner), HTTP
 * routes if the platform calls us (webhooks), and a start/stop for what it runs itself (polling).
 * Each lives in its own folder under `adapters/`; a module whose configuration is absent is not built.
 */
export type ChannelModule = {
  adapter: ChannelAdapter;
  routes?: (app: FastifyInstance) => Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type ChannelFactory = (deps: ChannelDependencies) => ChannelModule | null;
