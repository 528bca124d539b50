import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';

/** How a channel is connected to its platform right now. */
export const CHANNEL_STATES = ['connecting', 'pairing', 'connected', 'disconnected', 'standby', 'polling', 'webhook'] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/**
 * One channel's connection state as its process last reported it. `detail` is a short code or
 * phrase (a disconnect reason), never personal data; `qr` is the raw pairing payload, present only
 * while `pairing` and never sent to a browser as text.
 */
export type ChannelStatus = {
  channel: string;
  state: ChannelState;
  /** ISO time the channel entered this state (a new QR while pairing keeps it). */
  since: string;
  detail?: string;
  qr?: string;
};

/** A channel nobody reports on: not started, or its process died and the status expired. */
export type UnknownChannelStatus = { channel: string; state: 'unknown' };

/** What a channel hands to {@link ChannelStatusBoard.report}; the board sets `since`. */
export type ChannelReport = Omit<ChannelStatus, 'since'>;

export type ChannelStatusBoardOptions = {
  /** The app's `REDIS_PREFIX`; keys are `<prefix>:channel-status:<channel>`. */
  prefix: string;
  /** How long a status lives without being refreshed (default 90 s). */
  ttlMs?: number;
  /** How often this process re-writes what it reported (default 30 s); well under `ttlMs`. */
  refreshMs?: number;
  /** The clock, for `since` (default `Date.now`). */
  now?: () => number;
  /** Told when a refresh fails (the next one tries again; a status lives through two missed refreshes). */
  onRefreshError?: (error: unknown) => void;
};

export type ReportOptions = {
  /**
   * A fallback state: written only where no other state is reported, and never over one. A standby
   * process says "standby" this way, so it cannot hide the state (or the QR) of the process that
   * holds the session.
   */
  fallback?: boolean;
};

const MAX_DETAIL = 120;

const storedStatus = z.object({
  channel: z.string(),
  state: z.enum(CHANNEL_STATES),
  since: z.string(),
  detail: z.string().optional(),
  qr: z.string().optional(),
});

// Writes the fallback unless another state is there; the same state only lives longer (keeps its `since`).
const WRITE_FALLBACK = `
local current = redis.call('get', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and decoded.state == ARGV[3] then
    redis.call('pexpire', KEYS[1], ARGV[2])
    return 1
  end
  if ok then return 0 end
end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/**
 * The channels' connection states, shared by every process through Redis: the process running a
 * channel reports it, any process reads it — so the web process shows the WhatsApp Web pairing QR
 * even when another process holds the session. Each status expires `ttlMs` after its last refresh;
 * the reporting process refreshes what it reported every `refreshMs`, so a dead process's state
 * turns `unknown` on its own.
 *
 * @example
 * const board = new ChannelStatusBoard(redis, { prefix: config.redisPrefix });
 * await board.report({ channel: 'telegram', state: 'polling' });
 * await board.list(['telegram']); // [{ channel: 'telegram', state: 'polling', since: '…' }]
 * board.stop();
 */
export class ChannelStatusBoard {
  private readonly ttlMs: number;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly reported = new Map<string, { status: ChannelStatus; fallback: boolean }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: ChannelStatusBoardOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 90_000;
    this.refreshMs = options.refreshMs ?? 30_000;
    this.now = options.now ?? Date.now;
    if (this.refreshMs >= this.ttlMs) throw new Error(`ChannelStatusBoard: refreshMs (${this.refreshMs}) must be below ttlMs (${this.ttlMs})`);
  }

  /**
   * Records a channel's state (and keeps refreshing it until {@link stop}). `since` carries over while
   * the state stays the same; the QR is kept only while pairing.
   */
  report(report: ChannelReport, options: ReportOptions = {}): Promise<void> {
    const previous = this.reported.get(report.channel)?.status;
    const status: ChannelStatus = {
      channel: report.channel,
      state: report.state,
      since: previous?.state === report.state ? previous.since : new Date(this.now()).toISOString(),
      ...(report.detail ? { detail: report.detail.slice(0, MAX_DETAIL) } : {}),
      ...(report.state === 'pairing' && report.qr ? { qr: report.qr } : {}),
    };
    const fallback = options.fallback === true;
    this.reported.set(report.channel, { status, fallback });
    this.startTimer();
    // Issued before any await, so reports of one channel reach Redis in the order they were made.
    return this.write(status, fallback);
  }

  /** The state of each of `channels`, in that order; `unknown` where none is reported. */
  async list(channels: readonly string[]): Promise<(ChannelStatus | UnknownChannelStatus)[]> {
    if (channels.length === 0) return [];
    const values = await this.redis.mget(...channels.map((channel) => this.key(channel)));
    return channels.map((channel, i) => parseStatus(channel, values[i] ?? null) ?? { channel, state: 'unknown' });
  }

  /** Stops refreshing; what was reported expires after `ttlMs`. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.reported.clear();
  }

  private key(channel: string): string {
    return `${this.options.prefix}:channel-status:${channel}`;
  }

  private async write(status: ChannelStatus, fallback: boolean): Promise<void> {
    const value = JSON.stringify(status);
    if (fallback) await this.redis.eval(WRITE_FALLBACK, 1, this.key(status.channel), value, String(this.ttlMs), status.state);
    else await this.redis.set(this.key(status.channel), value, 'PX', this.ttlMs);
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    await Promise.all(
      [...this.reported.values()].map(({ status, fallback }) => this.write(status, fallback).catch((error: unknown) => this.options.onRefreshError?.(error))),
    );
  }
}

/**
 * Reports one channel's state and logs (never throws) when Redis fails, so a platform's event
 * handler can call it without awaiting. A no-op without a board (a channel tested on its own).
 */
export type ChannelStatusReporter = (state: ChannelState, fields?: { detail?: string; qr?: string }, options?: ReportOptions) => Promise<void>;

export function channelStatusReporter(board: ChannelStatusBoard | undefined, channel: string, logger: Logger): ChannelStatusReporter {
  return async (state, fields = {}, options = {}) => {
    if (!board) return;
    try {
      await board.report({ channel, state, ...fields }, options);
    } catch (error) {
      logger.warn({ err: error, event: 'channel_status.report_failed', channel, state }, 'could not report the channel state');
    }
  };
}

function parseStatus(channel: string, value: string | null): ChannelStatus | null {
  if (value === null) return null;
  try {
    const parsed = storedStatus.safeParse(JSON.parse(value));
    if (!parsed.success || parsed.data.channel !== channel) return null;
    const { detail, qr, ...rest } = parsed.data;
    return { ...rest, ...(detail !== undefined ? { detail } : {}), ...(qr !== undefined ? { qr } : {}) };
  } catch {
    return null;
  }
}
