import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import type { TurnRunner } from '../../src/turn/turn-runner.js';
import { TurnSweeper } from '../../src/turn/turn-sweeper.js';

type SweepArgs = { updatedSince: Date; storedBefore: Date };

/** A runner whose sweeps are recorded (and fail while `failing` is set). */
function recordingRunner() {
  const sweeps: SweepArgs[] = [];
  const state = { failing: false };
  const runner = {
    sweep: async (args: SweepArgs) => {
      sweeps.push(args);
      if (state.failing) throw new Error('redis went away');
      return 0;
    },
  } as unknown as TurnRunner;
  return { runner, sweeps, state };
}

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

afterEach(() => {
  vi.useRealTimers();
});

describe('the turn sweeper', () => {
  it('looks over the whole day at start-up and every ten minutes, and between them only at what changed since the last sweep', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    const { runner, sweeps } = recordingRunner();
    const sweeper = new TurnSweeper(runner, { logger: createLogger({ level: 'silent' }), intervalMs: 10_000, graceMs: 30_000 });
    sweeper.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sweeps[0]).toEqual({ updatedSince: new Date(T0 - 24 * HOUR), storedBefore: new Date(T0), stopped: expect.any(Function) });

    await vi.advanceTimersByTimeAsync(10_000);
    // Since the first sweep's bound, less a minute for another process's clock.
    expect(sweeps[1]?.updatedSince).toEqual(new Date(T0 - 60_000));
    expect(sweeps[1]?.storedBefore).toEqual(new Date(T0 + 10_000 - 30_000));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sweeps[2]?.updatedSince).toEqual(new Date(T0 + 10_000 - 30_000 - 60_000));

    await vi.advanceTimersByTimeAsync(10 * 60_000 - 20_000);
    const full = sweeps.at(-1);
    expect(full?.updatedSince).toEqual(new Date(T0 + 10 * 60_000 - 24 * HOUR));
    await sweeper.stop();
  });

  it('looks as far back again after a sweep that failed', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    const { runner, sweeps, state } = recordingRunner();
    const sweeper = new TurnSweeper(runner, { logger: createLogger({ level: 'silent' }), intervalMs: 10_000, graceMs: 30_000 });
    sweeper.start();
    await vi.advanceTimersByTimeAsync(0);
    state.failing = true;
    await vi.advanceTimersByTimeAsync(10_000);
    state.failing = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sweeps[1]?.updatedSince).toEqual(new Date(T0 - 60_000));
    expect(sweeps[2]?.updatedSince).toEqual(new Date(T0 - 60_000));
    await sweeper.stop();

    // A failed full sweep is tried again in full.
    state.failing = true;
    const restarted = new TurnSweeper(runner, { logger: createLogger({ level: 'silent' }), intervalMs: 10_000 });
    restarted.start();
    await vi.advanceTimersByTimeAsync(0);
    state.failing = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sweeps.at(-1)?.updatedSince).toEqual(new Date(Date.now() - 24 * HOUR));
    await restarted.stop();
  });
});
