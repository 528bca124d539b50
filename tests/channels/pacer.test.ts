import { describe, expect, it } from 'vitest';
import { Pacer, type SendLane } from '../../src/channels/pacer.js';

/** A pacer on a fake clock: `take` records when each send would start instead of sleeping. */
function pacerOnClock(options: ConstructorParameters<typeof Pacer>[0]) {
  let clock = 0;
  const starts: { chat: string; at: number }[] = [];
  const pacer = new Pacer({
    ...options,
    now: () => clock,
    wait: async (ms) => {
      clock += ms;
    },
  });
  return {
    async send(chat: string) {
      await pacer.take(chat);
      starts.push({ chat, at: clock });
    },
    starts,
    advance(ms: number) {
      clock += ms;
    },
  };
}

/**
 * A fake clock with timers for sends that run concurrently: `later(ms)` is a timer, and `run(work)`
 * fires the timers in time order (each once the promises before it have settled) until `work` ends.
 * `onTick` may move the clock as a timer fires (a process busy for a while).
 */
function fakeTimers(onTick: (clock: number) => number = (clock) => clock) {
  let clock = 0;
  const timers: { at: number; fire: () => void }[] = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => clock,
    later: (ms: number) => new Promise<void>((fire) => timers.push({ at: clock + ms, fire })),
    async run<T>(work: Promise<T>): Promise<T> {
      for (await settle(); timers.length > 0; await settle()) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) break;
        clock = onTick(Math.max(clock, next.at));
        next.fire();
      }
      return work;
    },
  };
}

/**
 * A pacer whose sends run concurrently on a fake clock with timers, like a process under load: at
 * `stall.at` the process is busy for `stall.ms`, and every timer due meanwhile fires late, together.
 */
async function pacerStalled(options: ConstructorParameters<typeof Pacer>[0], sends: number, stall: { at: number; ms: number }): Promise<number[]> {
  let stalled = false;
  const time = fakeTimers((clock) => {
    if (stalled || clock < stall.at) return clock;
    stalled = true;
    return clock + stall.ms;
  });
  const pacer = new Pacer({ ...options, now: time.now, wait: time.later });
  const starts: number[] = [];
  await time.run(
    Promise.all(
      Array.from({ length: sends }, async (_, i) => {
        await pacer.take(`chat-${i}`);
        starts.push(time.now());
      }),
    ),
  );
  return starts;
}

/**
 * Sends that each ask for a slot at their own time (`at`), on a fake clock whose timers fire on
 * time; returns when each one started.
 */
async function pacerLanes(options: ConstructorParameters<typeof Pacer>[0], sends: { at: number; lane: SendLane; chat: string }[]) {
  const time = fakeTimers();
  const pacer = new Pacer({ ...options, now: time.now, wait: time.later });
  return time.run(
    Promise.all(
      sends.map(async (send) => {
        await time.later(send.at);
        await pacer.take(send.chat, send.lane);
        return { ...send, start: time.now() };
      }),
    ),
  );
}

/** The most starts in any one-second window. */
function busiestSecond(times: number[]): number {
  return Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 999.999).length));
}

describe('the pacer', () => {
  it('lets a short burst to one chat go at once (spaced only by the overall rate), then one message a second', async () => {
    const p = pacerOnClock({ overall: { perSecond: 40, burst: 1 }, perChat: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 5; i += 1) await p.send('a');
    expect(p.starts.map((s) => s.at)).toEqual([0, 25, 50, 1000, 2000]);
  });

  it('never lets more than the overall rate through in any second, across many chats', async () => {
    const p = pacerOnClock({ overall: { perSecond: 30, burst: 1 }, perChat: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 300; i += 1) await p.send(`chat-${i}`);
    const times = p.starts.map((s) => s.at);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 999.999).length).toBeLessThanOrEqual(30);
    }
    // ...and uses the whole rate: 300 messages in ten seconds, not more.
    expect(times.at(-1)).toBeLessThanOrEqual(10_000);
    expect(times.at(-1)).toBeGreaterThanOrEqual(9_900);
  });

  it('does not hold one chat back for another chat\'s traffic beyond the overall limit', async () => {
    const p = pacerOnClock({ overall: { perSecond: 80, burst: 1 }, perChat: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 3; i += 1) await p.send('busy');
    await p.send('quiet');
    expect(p.starts.find((s) => s.chat === 'quiet')?.at).toBe(37.5);
  });

  it('starts a chat fresh after a quiet spell', async () => {
    const p = pacerOnClock({ overall: { perSecond: 30, burst: 1 }, perChat: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 4; i += 1) await p.send('a');
    p.advance(60_000);
    const before = p.starts.length;
    for (let i = 0; i < 3; i += 1) await p.send('a');
    const burst = p.starts.slice(before).map((s) => s.at);
    expect((burst.at(-1) ?? 0) - (burst[0] ?? 0)).toBeLessThan(100);
  });

  it('spreads sends that a busy process let go late and together, so no second holds more than the limit', async () => {
    // Telegram's pacing: 28.5/s. A process busy for 300 ms fires about ten slots' timers at once.
    const starts = await pacerStalled({ overall: { perSecond: 28.5, burst: 1 } }, 120, { at: 1500, ms: 300 });
    expect(starts).toHaveLength(120);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(29);
    // ...without giving up the rate: 120 sends take about as long as the schedule says, plus the stall.
    expect(Math.max(...starts)).toBeLessThan((120 / 28.5) * 1000 + 400);
  });

  it('does not slow a schedule that runs on time', async () => {
    const starts = await pacerStalled({ overall: { perSecond: 28.5, burst: 1 } }, 120, { at: Infinity, ms: 0 });
    expect(Math.max(...starts)).toBeCloseTo((119 / 28.5) * 1000, 0);
  });

  it('answers a reply at once during a broadcast, instead of after the broadcast sends already waiting, and keeps the total under the limit', async () => {
    // WhatsApp's pacing, 76/s: 32 broadcast sends ask at once (two outbound workers' slots), a reply 100 ms later.
    const bulk = Array.from({ length: 32 }, (_, i) => ({ at: 0, lane: 'bulk' as const, chat: `survey-${i}` }));
    const starts = await pacerLanes({ overall: { perSecond: 76, burst: 1 } }, [...bulk, { at: 100, lane: 'reply', chat: 'beneficiary' }]);
    const reply = starts.find((s) => s.lane === 'reply');
    // Behind the broadcast it would start at about 32 / 76 s = 421 ms.
    expect(reply?.start).toBeLessThan(100 + 1000 / 76 + 1);
    expect(busiestSecond(starts.map((s) => s.start))).toBeLessThanOrEqual(76);
    // The broadcast is only set back by the slot the reply took.
    expect(Math.max(...starts.map((s) => s.start))).toBeLessThan((33 / 76) * 1000 + 1);
  });

  it('keeps replies in their own order at the overall rate, and the limit for one chat', async () => {
    const replies = Array.from({ length: 10 }, (_, i) => ({ at: 0, lane: 'reply' as const, chat: i < 5 ? 'a' : `other-${i}` }));
    const starts = await pacerLanes({ overall: { perSecond: 28.5, burst: 1 }, perChat: { perSecond: 1, burst: 3 } }, replies);
    expect(busiestSecond(starts.map((s) => s.start))).toBeLessThanOrEqual(29);
    // Chat a: three at once, then one a second.
    const toA = starts.filter((s) => s.chat === 'a').map((s) => s.start).sort((x, y) => x - y);
    expect(toA[3]! - toA[0]!).toBeGreaterThanOrEqual(999);
    expect(toA[4]! - toA[3]!).toBeGreaterThanOrEqual(999);
  });

  it('answers a reply at once even while a broadcast keeps every second full', async () => {
    // WhatsApp's pacing, 76/s, and 16 outbound worker slots sending a survey back to back for 3 s.
    const time = fakeTimers();
    const pacer = new Pacer({ overall: { perSecond: 76, burst: 1 }, now: time.now, wait: time.later });
    const starts: { lane: SendLane; at: number }[] = [];
    const worker = async (slot: number) => {
      for (let i = 0; time.now() < 3000; i += 1) {
        await pacer.take(`survey-${slot}-${i}`, 'bulk');
        starts.push({ lane: 'bulk', at: time.now() });
      }
    };
    const reply = (async () => {
      await time.later(2000);
      await pacer.take('beneficiary', 'reply');
      starts.push({ lane: 'reply', at: time.now() });
    })();
    await time.run(Promise.all([...Array.from({ length: 16 }, (_, slot) => worker(slot)), reply]));
    const replied = starts.find((s) => s.lane === 'reply')?.at ?? Infinity;
    // Behind the 16 reserved broadcast slots it would wait about 16 / 76 s = 210 ms.
    expect(replied - 2000).toBeLessThan((2 * 1000) / 76);
    expect(busiestSecond(starts.map((s) => s.at))).toBeLessThanOrEqual(76);
    // The broadcast keeps its rate: about 76 a second over the 3 s.
    expect(starts.filter((s) => s.lane === 'bulk').length).toBeGreaterThanOrEqual(3 * 76 - 2);
  });
});
