import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/bot/answerer.js';
import { DirectLineClient, type WireActivity } from '../helpers/directline-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, type TestApp } from '../helpers/test-app.js';

/**
 * Two app instances share one data folder and one Redis prefix, as two processes behind a load
 * balancer would. An answerer that takes a while records how many turns of a conversation run at once.
 */
const seen: string[] = [];
let inFlight = 0;
let maxInFlight = 0;
const slowAnswerer: Answerer = {
  async answer(text) {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    seen.push(text);
    await sleep(25);
    inFlight -= 1;
    return { kind: 'answer', id: 'echo', score: 1, text: `answer to ${text}` };
  },
};

let a: TestApp;
let b: TestApp;
const dataDir = tempDir('ordering');

beforeAll(async () => {
  a = await startTestApp({ dataDir, answerer: slowAnswerer });
  b = await startTestApp({ dataDir, prefix: a.prefix, answerer: slowAnswerer });
});

afterAll(async () => {
  await a.stop();
  await b.stop();
  await clearRedisPrefix(a.prefix);
  removeDir(dataDir);
});

describe('turn ordering', () => {
  it('handles simultaneous messages of one conversation one at a time, in arrival order, across two processes', async () => {
    const viaA = await DirectLineClient.start(a.url);
    const viaB = DirectLineClient.resume(b.url, viaA.conversationId, viaA.token);
    const questions = Array.from({ length: 12 }, (_, i) => `question number ${i + 1}`);
    const responses = await Promise.all(
      questions.map((q, i) => (i % 2 === 0 ? viaA : viaB).post({ type: 'message', text: q, from: { id: 'visitor' } })),
    );
    expect(responses.map((r) => r.status)).toEqual(questions.map(() => 200));

    expect(maxInFlight).toBe(1);
    const transcript = (await (await viaA.get('0')).json()) as { activities: WireActivity[] };
    const incoming = transcript.activities.filter((x) => x.from.role === 'user').map((x) => x.text);
    expect(seen).toEqual(incoming);
    // Every question got its own answer, and the answers are in the questions' order.
    const answers = transcript.activities.filter((x) => x.from.role === 'bot').map((x) => x.text);
    expect(answers).toEqual(incoming.map((q) => `answer to ${q}`));
  });

  it('runs turns of different conversations side by side', async () => {
    maxInFlight = 0;
    const first = await DirectLineClient.start(a.url);
    const second = await DirectLineClient.start(b.url);
    await Promise.all([first.say('question for the first'), second.say('question for the second')]);
    expect(maxInFlight).toBe(2);
  });
});
