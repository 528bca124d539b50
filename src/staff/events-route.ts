import type { FastifyInstance } from 'fastify';
import type { StaffApiDependencies } from './staff-api.js';
import { requireStaff } from './staff-auth.js';

/** A comment line this often keeps proxies from closing a quiet stream and checks the session still holds. */
export const HEARTBEAT_MS = 20_000;

/**
 * `GET /staff/api/events`: what happens live (a handoff waiting, claimed, answered, closed; a
 * request's status) as Server-Sent Events — `event: <type>` with the event as JSON `data` — for the
 * console to refetch what changed. Events carry ids only. A stream ends when the client goes, when
 * its session ends (checked with every heartbeat), and when the server closes.
 *
 * @example
 * const source = new EventSource('/staff/api/events');
 * source.addEventListener('handoff.created', (e) => refreshInbox(JSON.parse(e.data).id));
 */
export async function eventsRoute(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const guard = requireStaff(deps);
  const streams = new Set<() => void>();
  // Before the server waits for its connections to finish: a stream never would.
  app.addHook('preClose', async () => {
    for (const close of [...streams]) close();
  });

  app.get('/staff/api/events', { preHandler: guard, logLevel: 'warn' }, async (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    const write = (chunk: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    };
    const unsubscribe = deps.events.subscribe((event) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => {
      guard(request).then(
        () => write(': heartbeat\n\n'),
        () => close(),
      );
    }, HEARTBEAT_MS);
    const close = () => {
      if (!streams.delete(close)) return;
      clearInterval(heartbeat);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    streams.add(close);
    res.on('close', close);
    write('retry: 5000\n: connected\n\n');
  });
}
