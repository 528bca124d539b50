/**
 * The null bot for the webhook benchmark: a receiver that does the least a correct webhook endpoint
 * must — checks WhatsApp's `X-Hub-Signature-256` (HMAC over the raw body) or Telegram's secret
 * token, parses the JSON, answers 200 — and then posts one canned reply to the platform double.
 * Run against the same load as the bot, it shows what the load generator, the doubles and the
 * machine can carry at all. It runs as its own process, as the bot does
 * (`startNullReceiver()`), so it does not share the generator's event loop.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_TELEGRAM, BENCH_WHATSAPP, telegramSecret } from './webhook-deliveries.js';

export type NullReceiver = { url: string; stop(): Promise<void> };

/** Starts the null receiver as a child process replying to these doubles; resolves once it listens. */
export async function startNullReceiver(options: { graphUrl: string; botApiRoot: string }): Promise<NullReceiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
    env: { ...process.env, NULL_GRAPH_URL: options.graphUrl, NULL_BOT_API_ROOT: options.botApiRoot },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening (http\S+)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the null receiver exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function serve(graphUrl: string, botApiRoot: string): http.Server {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const secret = Buffer.from(telegramSecret());
  const post = (url: string, headers: Record<string, string>, payload: unknown) => {
    const body = JSON.stringify(payload);
    const request = http.request(url, { agent, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => response.resume());
    request.on('error', (error) => process.stderr.write(`null receiver: reply failed: ${error.message}\n`));
    request.end(body);
  };
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.url === '/webhooks/whatsapp') {
        const expected = crypto.createHmac('sha256', BENCH_WHATSAPP.appSecret).update(raw).digest();
        const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? '').replace(/^sha256=/, ''), 'hex');
        if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return res.writeHead(401).end();
        const from = (JSON.parse(raw.toString('utf8')) as { entry: { changes: { value: { messages: { from: string }[] } }[] }[] }).entry[0]?.changes[0]?.value.messages[0]?.from;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        if (from) post(`${graphUrl}/${BENCH_WHATSAPP.phoneNumberId}/messages`, { authorization: `Bearer ${BENCH_WHATSAPP.token}` }, { messaging_product: 'whatsapp', to: from, type: 'text', text: { body: 'ok' } });
        return;
      }
      if (req.url === BENCH_TELEGRAM.webhookPath) {
        const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
        if (given.length !== secret.length || !crypto.timingSafeEqual(given, secret)) return res.writeHead(401).end();
        const chat = (JSON.parse(raw.toString('utf8')) as { message?: { chat?: { id?: number } } }).message?.chat?.id;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        if (chat !== undefined) post(`${botApiRoot}/bot${BENCH_TELEGRAM.token}/sendMessage`, {}, { chat_id: chat, text: 'ok' });
        return;
      }
      res.writeHead(404).end();
    });
  });
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const server = serve(process.env['NULL_GRAPH_URL'] ?? '', process.env['NULL_BOT_API_ROOT'] ?? '');
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (typeof address === 'object' && address) process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
