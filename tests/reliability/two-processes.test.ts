import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearPrefix, startAppProcess, type AppProcess } from '../../bench/lib/app-process.js';
import { REDIS_URL, removeDir, tempDir } from '../helpers/test-app.js';
import { postWebChat } from './support/traffic.js';

/**
 * Two bot processes on one Redis prefix and one data folder (SQLite in WAL mode with a busy
 * timeout, so two processes may share the file; appends and bookings write in IMMEDIATE
 * transactions). A burst of messages for one conversation goes to both, alternately and all at
 * once. "language" switches between Arabic and English, so each reply shows which state its turn
 * read: strictly alternating replies mean every turn saw the one before it saved — none ran beside
 * another, in either process, and none was lost.
 */
const BURST = 16;
const dataDir = tempDir('two-processes');
const prefix = `test-two-${crypto.randomBytes(4).toString('hex')}`;
let a: AppProcess | undefined;
let b: AppProcess | undefined;

type Activity = { id: string; text?: string; replyToId?: string; from: { role?: string } };

beforeAll(async () => {
  // One after the other: the first creates the data key and the schema the second opens.
  a = await startAppProcess({ redisUrl: REDIS_URL, dataDir, prefix, readyTimeoutMs: 150_000 });
  b = await startAppProcess({ redisUrl: REDIS_URL, dataDir, prefix, readyTimeoutMs: 150_000 });
}, 300_000);

afterAll(async () => {
  await b?.stop({ keep: true });
  await a?.stop({ keep: true });
  await clearPrefix(REDIS_URL, prefix);
  removeDir(dataDir);
});

describe('two app processes on one Redis and one store', () => {
  it('run one conversation\'s messages one at a time, in transcript order, whichever process received them', async () => {
    const first = a as AppProcess;
    const second = b as AppProcess;
    const res = await fetch(`${first.url}/v3/directline/conversations`, { method: 'POST' });
    const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };

    const ids = await Promise.all(Array.from({ length: BURST }, (_, i) => postWebChat((i % 2 === 0 ? first : second).url, conversationId, token, 'language')));
    expect(ids.filter((id) => id === null)).toEqual([]);

    const read = await fetch(`${second.url}/v3/directline/conversations/${conversationId}/activities?watermark=0`, { headers: { authorization: `Bearer ${token}` } });
    const { activities } = (await read.json()) as { activities: Activity[] };
    const incoming = activities.filter((x) => x.from.role === 'user');
    const replies = activities.filter((x) => x.from.role === 'bot');
    expect(incoming.map((x) => x.id).sort()).toEqual([...(ids as string[])].sort());

    // Handled in transcript order, one reply each, every reply after its own message.
    expect(replies.map((x) => x.replyToId)).toEqual(incoming.map((x) => x.id));
    for (const reply of replies) {
      const message = activities.findIndex((x) => x.id === reply.replyToId);
      expect(activities.indexOf(reply)).toBeGreaterThan(message);
    }
    // Each turn read the language the turn before it saved: the replies alternate, never the same twice.
    const languages = replies.map((x) => (/^Switched to English/.test(x.text ?? '') ? 'en' : 'ar'));
    const [start = 'ar'] = languages;
    expect(languages).toEqual(replies.map((_, i) => (i % 2 === 0 ? start : start === 'en' ? 'ar' : 'en')));
  });
});
