import { describe, expect, it } from 'vitest';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** Per-address limits on the Direct Line routes, with a short window so the test can outwait it. */
const WINDOW_MS = 1500;
const PER_ADDRESS = 30;
const t = useTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(PER_ADDRESS), RATE_LIMIT_WINDOW_MS: String(WINDOW_MS) } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Every window that the hits so far opened has ended once a whole window passed after the last of them. */
const outwaitWindow = () => sleep(WINDOW_MS + 200);

const startConversation = () => fetch(`${t().url}/v3/directline/conversations`, { method: 'POST' });

describe('rate limits per client address', () => {
  it('answers a burst past the limit with 429, Retry-After and a Direct Line error, then lets the address in again', async () => {
    const dl = await DirectLineClient.start(t().url);
    const burst = await Promise.all(Array.from({ length: PER_ADDRESS + 5 }, () => dl.get('0')));
    const refused = burst.filter((res) => res.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(burst.filter((res) => res.status === 200).length).toBe(PER_ADDRESS - 1); // the start counted too
    const first = refused[0] as Response;
    const retryAfter = Number(first.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));
    const body = (await first.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('TooManyRequests');
    expect(body.error.message).toMatch(/Too many requests.*wait \d+ seconds/);

    // Health checks are not Direct Line: a busy address does not take the server out of its load balancer.
    expect((await fetch(`${t().url}/healthz`)).status).toBe(200);

    await outwaitWindow();
    const again = await dl.post({ type: 'message', text: 'مرحبا', from: { id: dl.userId } });
    expect(again.status).toBe(200);
  });

  it('allows fewer new conversations than requests, and still serves the conversations already open', async () => {
    await outwaitWindow();
    const open = await DirectLineClient.start(t().url);
    const starts = [];
    for (let i = 0; i < 10; i++) starts.push((await startConversation()).status);
    expect(starts.filter((s) => s === 201)).toHaveLength(9); // ten per window, the first one above included
    expect(starts.at(-1)).toBe(429);
    expect((await open.get('0')).status).toBe(200);

    await outwaitWindow();
    expect((await startConversation()).status).toBe(201);
  });
});
