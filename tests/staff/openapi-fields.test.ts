import { describe, expect, it } from 'vitest';
import { DirectLineClient } from '../helpers/directline-client.js';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';
import { registeredRoutes } from '../helpers/routes.js';

/**
 * The OpenAPI document tells client developers what the routes really return: every staff API
 * route is in it, and every field the handoff and request routes answer with is named in it.
 */
const t = useTestApp();
const staff = staffClient(t);

type Doc = { paths: Record<string, Record<string, { summary: string }>> };

function routesOf(): string[] {
  return registeredRoutes(t().app)
    .filter((r) => r.path.startsWith('/staff/api/') && r.path !== '/staff/api/openapi.json')
    .flatMap((r) => r.methods.map((method) => `${method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
}

async function doc(): Promise<Doc> {
  return (await (await fetch(`${t().url}/staff/api/openapi.json`)).json()) as Doc;
}

/** Every key of `value` (one level) appears in `summary` as a word. */
function expectNamed(summary: string, value: Record<string, unknown>, where: string): void {
  for (const key of Object.keys(value)) expect(summary, `${where}: ${key}`).toMatch(new RegExp(`\\b${key}\\b`));
}

describe('the OpenAPI document', () => {
  it('describes every route the staff API registers', async () => {
    const { paths } = await doc();
    const described = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(routesOf().filter((r) => !described.includes(r))).toEqual([]);
  });

  it('names every field of a handoff (urgent among them) and of a request, as the routes return them', async () => {
    const { store } = t().app;
    const dl = await DirectLineClient.start(t().url, `openapi-${Math.random()}`);
    await dl.say('السلام عليكم');
    const conversation = await store.conversations.get(dl.conversationId);
    const handoff = await store.handoffs.create({ conversationId: dl.conversationId, contactId: conversation?.contactId ?? null, reason: 'distress' });
    const request = await store.supportRequests.create({
      contactId: conversation?.contactId ?? 'c',
      conversationId: dl.conversationId,
      channel: 'webchat',
      status: 'submitted',
      answers: { treatment: 'iui' },
      declaration: null,
      applicantKeys: [],
      submittedAt: new Date(),
    });
    const researcher = await staff.account('researcher');
    const { paths } = await doc();
    const summary = (path: string) => paths[path]?.get?.summary ?? '';

    const list = (await (await staff.api('/staff/api/handoffs', researcher.cookie)).json()) as { items: Record<string, unknown>[] };
    const item = list.items.find((i) => i.id === handoff.id) ?? {};
    expect(item).toMatchObject({ urgent: true });
    expectNamed(summary('/staff/api/handoffs'), item, 'GET /staff/api/handoffs');

    const detail = (await (await staff.api(`/staff/api/handoffs/${handoff.id}`, researcher.cookie)).json()) as Record<string, unknown> & { messages: Record<string, unknown>[] };
    const { messages, requests, ...rest } = detail;
    void requests;
    const withList = `${summary('/staff/api/handoffs/{id}')} ${summary('/staff/api/handoffs')}`;
    expectNamed(withList, rest, 'GET /staff/api/handoffs/{id}');
    expectNamed(summary('/staff/api/handoffs/{id}'), messages[0] ?? {}, 'GET /staff/api/handoffs/{id} messages');

    const requestList = (await (await staff.api('/staff/api/requests', researcher.cookie)).json()) as { items: Record<string, unknown>[] };
    expectNamed(summary('/staff/api/requests'), requestList.items[0] ?? {}, 'GET /staff/api/requests');
    const one = (await (await staff.api(`/staff/api/requests/${request.id}`, researcher.cookie)).json()) as Record<string, unknown>;
    expectNamed(`${summary('/staff/api/requests/{id}')} ${summary('/staff/api/requests')}`, one, 'GET /staff/api/requests/{id}');
    expect(one).toMatchObject({ withheld: { answers: ['treatment'] } });
  });
});
