import crypto from 'node:crypto';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.js';

/** The largest JSON body accepted (uploads are multipart, with their own 10 MB limit per file). */
const BODY_LIMIT_BYTES = 256 * 1024;

/** fastify's own request errors, answered with a stable code and a message a client developer can act on. */
const REQUEST_ERRORS: Readonly<Record<string, { code: string; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BadArgument', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BadArgument', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'TooLarge', message: `The request body is larger than ${BODY_LIMIT_BYTES / 1024} KB.` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UnsupportedMediaType', message: 'Send the request body as JSON (Content-Type: application/json).' },
};

export type HttpServerOptions = {
  logger: Logger;
  publicDir: string;
  trustProxy: boolean;
  /** Readiness checks by name (store, redis); each rejects when its part does not answer. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Route plugins (channels, staff API) registered after the basics. */
  plugins: ((app: FastifyInstance) => Promise<void>)[];
};

/**
 * The HTTP face: health and readiness, the web chat page, and whatever channels and the staff API
 * register. Every error leaves as JSON `{error: {code, message}}` with a 4xx/5xx status; a request id
 * is on every log line of the request.
 */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    genReqId: () => crypto.randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy,
    return503OnClosing: true,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, event: 'http.error' }, 'request failed');
    const known = status < 500 ? REQUEST_ERRORS[error.code] : undefined;
    const code = known?.code ?? error.code ?? 'Error';
    const message = status >= 500 ? 'Something went wrong on our side. Please try again.' : (known?.message ?? error.message);
    return reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: 'NotFound', message: `No route for ${request.method} ${request.url.split('?')[0]}` } }));

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, s]) => s === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...Object.fromEntries(results) });
  });

  await app.register(fastifyMultipart);
  await app.register(fastifyStatic, {
    root: path.resolve(options.publicDir),
    prefix: '/',
    index: 'index.html',
    setHeaders: (res, filePath) => {
      res.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors *",
      );
      if (filePath.endsWith('.html')) res.header('cache-control', 'no-cache');
    },
  });
  for (const plugin of options.plugins) await app.register(plugin);
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
