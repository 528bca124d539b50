import { DirectLineLoadClient, type LoadConversation } from './directline-load-client.js';
import { Latencies, nowMs, sleep } from './stats.js';

/**
 * What a beneficiary types in one visit, in order: a greeting, questions for the FAQ (one asked in the
 * middle of the form, which the bot answers and then asks the same question again), the menu and a
 * choice in it, and the whole support application up to its reference number. Taken from the journeys
 * in `tests/journeys/`, so every message leads where a real one would. `$id` and `$spouse` are
 * replaced by fresh valid national IDs (one open request per couple: a repeated ID would stop early).
 */
export const VISIT: readonly string[] = [
  'السلام عليكم',
  'وش تسوي الجمعية بالضبط',
  'امتى يطلع الرد على طلبي',
  'القائمة',
  '1',
  'أوافق',
  'خالد سعد الدوسري',
  '$id',
  'نورة محمد العتيبي',
  '$spouse',
  '0501234567',
  'كم مدة الرد على الطلب بعد ما ارسله؟',
  'الخبر',
  '29',
  '33',
  '6',
  '0',
  'لا',
  '7000',
  'استشارة طبية',
  'أي وقت',
  'لاحقا',
  'صحيحة',
  'أقر',
];

/** The opening of a visit that leaves the conversation in the middle of the form, with some history. */
export const MID_FORM: readonly string[] = ['السلام عليكم', 'وش تسوي الجمعية بالضبط', 'ابي اقدم طلب دعم', 'أوافق', 'خالد سعد الدوسري', '$id'];

let idCounter = 0;
/**
 * A fresh valid Saudi ID: `kind` (1 citizen, 2 resident), eight digits unique to this process and
 * run, and the Luhn check digit the bot verifies.
 */
export function freshNationalId(kind: '1' | '2'): string {
  idCounter += 1;
  const body = `${kind}${String((process.pid * 7919 + idCounter) % 100_000_000).padStart(8, '0')}`;
  for (let check = 0; check < 10; check += 1) {
    const id = `${body}${check}`;
    const sum = [...id].reduce((total, ch, i) => {
      const d = Number(ch) * (i % 2 === 0 ? 2 : 1);
      return total + (d > 9 ? d - 9 : d);
    }, 0);
    if (sum % 10 === 0) return id;
  }
  throw new Error('no check digit');
}

/** One virtual beneficiary: a conversation and where it is in its script. */
class Visitor {
  private conversation: LoadConversation | null = null;
  private step = 0;
  private ids = { id: '', spouse: '' };

  constructor(
    private readonly client: DirectLineLoadClient,
    private readonly name: string,
    private readonly script: readonly string[],
  ) {}

  /** Runs the next message of the script (opening a new conversation when a visit starts). */
  async next(): Promise<{ ms: number; field: string | undefined }> {
    if (!this.conversation || this.step >= this.script.length) {
      this.conversation = await this.client.start(this.name);
      this.step = 0;
      this.ids = { id: freshNationalId('1'), spouse: freshNationalId('2') };
    }
    const raw = this.script[this.step] ?? '';
    this.step += 1;
    const text = raw === '$id' ? this.ids.id : raw === '$spouse' ? this.ids.spouse : raw;
    const { ms, replies } = await this.client.turn(this.conversation, text);
    return { ms, field: replies.findLast((r) => r.field)?.field };
  }
}

export type ClosedLoopResult = { turns: number; seconds: number; latencies: Latencies; errors: number; firstError: string | null };

/**
 * The closed loop: `conversations` visitors each send a message, wait for the reply to be readable,
 * and send the next, until `durationMs` has passed (a turn in flight then still finishes and counts).
 * A short warm-up first (JIT, connection pools, SQLite pages), not measured.
 */
export async function runClosedLoop(options: {
  url: string;
  conversations: number;
  durationMs: number;
  warmupMs?: number;
  script?: readonly string[];
  /** Called when the warm-up is over and measuring starts (e.g. to read the server's CPU time). */
  onMeasureStart?: () => void;
}): Promise<ClosedLoopResult> {
  const client = new DirectLineLoadClient(options.url);
  const visitors = Array.from({ length: options.conversations }, (_, i) => new Visitor(client, `visitor-${i}`, options.script ?? VISIT));
  const result: ClosedLoopResult = { turns: 0, seconds: 0, latencies: new Latencies(), errors: 0, firstError: null };
  try {
    const loop = async (until: number, measure: boolean) => {
      await Promise.all(
        visitors.map(async (visitor) => {
          while (nowMs() < until) {
            try {
              const { ms } = await visitor.next();
              if (measure) {
                result.turns += 1;
                result.latencies.add(ms);
              }
            } catch (error) {
              if (!measure) throw error;
              result.errors += 1;
              result.firstError ??= (error as Error).message;
              await sleep(100); // a failing server must not turn the loop into a spin
            }
          }
        }),
      );
    };
    await loop(nowMs() + (options.warmupMs ?? 2000), false);
    options.onMeasureStart?.();
    const started = nowMs();
    await loop(started + options.durationMs, true);
    result.seconds = (nowMs() - started) / 1000;
    return result;
  } finally {
    client.close();
  }
}

/**
 * Runs `visits` conversations, each through `script` once, `concurrency` at a time; returns the turns
 * run and the fields the bot asked for last (so a caller can check where the conversations stand).
 */
export async function runVisits(options: { url: string; visits: number; concurrency: number; script: readonly string[]; onProgress?: (done: number) => void }): Promise<{ turns: number; lastFields: Map<string, number> }> {
  const client = new DirectLineLoadClient(options.url);
  let started = 0;
  let turns = 0;
  let done = 0;
  const lastFields = new Map<string, number>();
  try {
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.visits) }, async () => {
        while (started < options.visits) {
          started += 1;
          const visitor = new Visitor(client, `visitor-${started}`, options.script);
          let field: string | undefined;
          for (let i = 0; i < options.script.length; i += 1) {
            field = (await visitor.next()).field;
            turns += 1;
          }
          lastFields.set(field ?? '(none)', (lastFields.get(field ?? '(none)') ?? 0) + 1);
          done += 1;
          if (done % 500 === 0) options.onProgress?.(done);
        }
      }),
    );
    return { turns, lastFields };
  } finally {
    client.close();
  }
}

/**
 * Runs exactly `turns` messages of the visit script, `concurrency` visitors at a time (each opening a
 * new conversation when its visit ends); for counting what a known number of messages costs.
 */
export async function runTurns(options: { url: string; turns: number; concurrency: number; script?: readonly string[] }): Promise<{ turns: number; seconds: number }> {
  const client = new DirectLineLoadClient(options.url);
  const visitors = Array.from({ length: options.concurrency }, (_, i) => new Visitor(client, `visitor-${i}`, options.script ?? VISIT));
  let claimed = 0;
  const started = nowMs();
  try {
    await Promise.all(
      visitors.map(async (visitor) => {
        while (claimed < options.turns) {
          claimed += 1;
          await visitor.next();
        }
      }),
    );
    return { turns: claimed, seconds: (nowMs() - started) / 1000 };
  } finally {
    client.close();
  }
}

/** A closed loop left running: read its figures interval by interval, stop it at the end. */
export type ContinuousLoad = {
  /** Turns, latencies and errors since the previous call (or the start). */
  take(): { turns: number; latencies: Latencies; errors: number; firstError: string | null };
  /** Lets the turns in flight finish and closes the client. */
  stop(): Promise<void>;
};

/** The closed loop of {@link runClosedLoop}, running until stopped (for the soak). */
export function startContinuousLoad(options: { url: string; conversations: number; script?: readonly string[] }): ContinuousLoad {
  const client = new DirectLineLoadClient(options.url);
  let current = { turns: 0, latencies: new Latencies(), errors: 0, firstError: null as string | null };
  let running = true;
  const visitors = Array.from({ length: options.conversations }, (_, i) => new Visitor(client, `visitor-${i}`, options.script ?? VISIT));
  const done = Promise.all(
    visitors.map(async (visitor) => {
      while (running) {
        try {
          const { ms } = await visitor.next();
          current.turns += 1;
          current.latencies.add(ms);
        } catch (error) {
          current.errors += 1;
          current.firstError ??= (error as Error).message;
          await sleep(100); // a bot that is down must not turn the loop into a spin
        }
      }
    }),
  );
  return {
    take() {
      const taken = current;
      current = { turns: 0, latencies: new Latencies(), errors: 0, firstError: null };
      return taken;
    },
    async stop() {
      running = false;
      await done;
      client.close();
    },
  };
}
