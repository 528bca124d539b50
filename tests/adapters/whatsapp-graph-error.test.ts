import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../adapters/whatsapp-cloud/graph-client.js';
import { WhatsAppGraphError } from '../../adapters/whatsapp-cloud/whatsapp-graph-error.js';

/** A Graph API that answers each send with the next canned (status, body). */
let answers: { status: number; body: unknown }[] = [];
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const next = answers.shift() ?? { status: 200, body: { messages: [{ id: 'wamid.ok' }] } };
    response.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
  });
});
let client: GraphClient;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new GraphClient({ graphUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v23.0`, token: 't', phoneNumberId: '100' });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function sendError(status: number, body: unknown): Promise<WhatsAppGraphError> {
  answers = [{ status, body }];
  const error = await client.sendMessage({ to: '966500000000', type: 'text', text: { body: 'x' } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WhatsAppGraphError);
  return error as WhatsAppGraphError;
}

describe('Graph API refusals', () => {
  it('retries a throughput refusal that Meta sends as HTTP 400 with code 130429, so the message is not lost', async () => {
    const error = await sendError(400, { error: { message: 'Rate limit hit', type: 'OAuthException', code: 130429 } });
    expect(error.graphCode).toBe(130429);
    expect(error.retryable).toBe(true);
  });

  it('retries the per-user pair limit (131056) and HTTP 429', async () => {
    expect((await sendError(400, { error: { code: 131056 } })).retryable).toBe(true);
    expect((await sendError(429, { error: { code: 4 } })).retryable).toBe(true);
  });

  it('does not retry a bad number or an expired token', async () => {
    expect((await sendError(400, { error: { code: 131026, message: 'Message undeliverable' } })).retryable).toBe(false);
    expect((await sendError(401, { error: { code: 190 } })).retryable).toBe(false);
    expect((await sendError(400, 'not json')).retryable).toBe(false);
  });
});
