/**
 * The *null bot*: the least a Direct Line bot can do — fastify, the same routes and response shapes as
 * `adapters/directline/directline-routes.ts` for the calls a chat page makes, each activity stored (in
 * memory) and answered with an echo. The baseline of the web chat benchmark: the bot is measured
 * beside it, driven by the same client, each in its own process.
 *
 * Run as a process: `PORT=3999 node --import tsx bench/lib/null-bot.ts`; `startNullBotProcess()` does
 * that on a free port and waits until it answers.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { freePort, ROOT } from './app-process.js';
import { sleep } from './stats.js';

type StoredActivity = { id: string; type: string; text: string; from: { id: string; role: 'user' | 'bot' }; timestamp: string };
type NullConversation = { token: string; activities: StoredActivity[] };

/** The null bot's server (not listening yet). */
export function buildNullBot(): FastifyInstance {
  const app = Fastify({ logger: false });
  const conversations = new Map<string, NullConversation>();

  const authorized = (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): NullConversation | null => {
    const conversation = conversations.get(request.params.id);
    const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/, '');
    if (conversation && conversation.token === token) return conversation;
    void reply.code(403).send({ error: { code: 'Forbidden', message: 'Not your conversation.' } });
    return null;
  };

  app.get('/readyz', async () => ({ status: 'ready' }));

  app.post('/v3/directline/conversations', async (_request, reply) => {
    const conversationId = crypto.randomUUID();
    const token = crypto.randomBytes(24).toString('base64url');
    conversations.set(conversationId, { token, activities: [] });
    return reply.code(201).send({ conversationId, token, expires_in: 3600 });
  });

  app.post<{ Params: { id: string }; Body: { type?: string; text?: string; from?: { id?: string } } }>('/v3/directline/conversations/:id/activities', async (request, reply) => {
    const conversation = authorized(request, reply);
    if (!conversation) return reply;
    const body = request.body;
    const add = (text: string, from: StoredActivity['from']): StoredActivity => {
      const activity = { id: String(conversation.activities.length + 1), type: 'message', text, from, timestamp: new Date().toISOString() };
      conversation.activities.push(activity);
      return activity;
    };
    const received = add(body.text ?? '', { id: body.from?.id ?? 'user', role: 'user' });
    add(body.text ?? '', { id: 'null-bot', role: 'bot' });
    return reply.code(200).send({ id: received.id });
  });

  app.get<{ Params: { id: string }; Querystring: { watermark?: string } }>('/v3/directline/conversations/:id/activities', async (request, reply) => {
    const conversation = authorized(request, reply);
    if (!conversation) return reply;
    const after = Math.max(0, Number.parseInt(request.query.watermark ?? '0', 10) || 0);
    const activities = conversation.activities.slice(after, after + 200);
    return { activities, watermark: String(after + activities.length) };
  });

  return app;
}

export type NullBotProcess = { url: string; pid: number; rss(): number; stop(): Promise<void> };

/** Starts the null bot as its own process on a free port, as the bot itself is started. */
export async function startNullBotProcess(): Promise<NullBotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'lib', 'null-bot.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the null bot exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the null bot did not answer in 30 s:\n${output}`);
    }
    await sleep(100);
  }
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const app = buildNullBot();
  await app.listen({ port: Number(process.env['PORT'] ?? 3999), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
