import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { I18n } from '../i18n/i18n.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/types.js';
import type { TurnRunner } from '../turn/turn-runner.js';
import type { ChannelAdapter } from './channel-adapter.js';
import type { ChannelStatusBoard } from './channel-status.js';

/** What a channel module gets from the composition root. */
export type ChannelDependencies = {
  config: Config;
  store: Store;
  runner: TurnRunner;
  logger: Logger;
  i18n: I18n;
  /** The clock (tests move it, e.g. past WhatsApp's 24-hour window); default `Date.now`. */
  now?: () => number;
  /**
   * Where the module reports its connection state (polling, pairing with a QR, connected…) for the
   * admins' Channels view; see `channelStatusReporter`. Absent when a channel is tested on its own.
   */
  statusBoard?: ChannelStatusBoard;
};

/**
 * A messaging platform plugged into the bot: its adapter (registered with the turn runner), HTTP
 * routes if the platform calls us (webhooks), and a start/stop for what it runs itself (polling).
 * Each lives in its own folder under `adapters/`; a module whose configuration is absent is not built.
 * A module reports its connection state to `deps.statusBoard` as it changes (pushed, not polled: the
 * process running the channel may not be the one serving the console).
 */
export type ChannelModule = {
  adapter: ChannelAdapter;
  routes?: (app: FastifyInstance) => Promise<void>;
  /**
   * For a channel only one process can send on (a WhatsApp Web session lives in one browser): its
   * queued messages wait in their own queue, worked only while this process is the sender.
   */
  sender?: SingleSender;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type ChannelFactory = (deps: ChannelDependencies) => ChannelModule | null;

/** Whether this process is the one that can send on a channel, and news when that changes. */
export type SingleSender = {
  isSender(): boolean;
  onChange(listener: (isSender: boolean) => void): void;
};
