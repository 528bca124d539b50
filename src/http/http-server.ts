import crypto from 'node:crypto';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { LockTimeoutError } from '../errors/lock-timeout-error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable-error.js';
import type { Logger } from '../logging/logger.js';

/** The largest JSON body accepted (uploads are multipart, with their own 10 MB limit per file). */
const BODY_LIMIT_BYTES = 256 * 1024;

/** `Retry-After` of a request refused while Redis is away. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

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
  /**
   * CSP `frame-ancestors` sources of the web chat page and its assets (WEBCHAT_FRAME_ANCESTORS):
   * the association's site that embeds the chat. Default `'self'`. The staff console and the API
   * are never framable, whatever this says.
   */
  webchatFrameAncestors?: string;
  /** Readiness checks by name (store, redis); each rejects when its part does not answer. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Route plugins (channels, staff API) registered after the basics. */
  plugins: ((app: FastifyInstance) => Promise<void>)[];
};

/**
 * One log line per request, when it is answered, with the request line in it — instead of fastify's
 * two (one on arrival, one on answer). Every line costs the redaction of the personal-data paths, and
 * a web chat turn is a request; at the route's own level (the chat's polling logs only at warn).
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

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
    logController: new OneLinePerRequest(),
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Redis away (or a conversation's lock held too long): nothing was lost, so say when to try again.
    // A webhook answered 503 is delivered again by its platform; the web chat page resends.
    if (error instanceof RedisUnavailableError || error instanceof LockTimeoutError) {
      request.log.warn({ err: error, event: 'http.unavailable' }, 'request refused for now');
      return reply
        .code(503)
        .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
        .send({ error: { code: 'ServiceUnavailable', message: `The service is briefly unavailable. Please send this again in ${UNAVAILABLE_RETRY_AFTER_SECONDS} seconds.` } });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, event: 'http.error' }, 'request failed');
    const known = status < 500 ? REQUEST_ERRORS[error.code] : undefined;
    const code = known?.code ?? error.code ?? 'Error';
    const message = status >= 500 ? 'Something went wrong on our side. Please try again.' : (known?.message ?? error.message);
    return reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: 'NotFound', message: `No route for ${request.method} ${request.url.split('?')[0]}` } }));

  // Set on the raw response as the request arrives, so every answer carries them: routes, static
  // files, 404s, errors, and the hijacked event stream too (Node merges them into writeHead).
  const headersFor = securityHeaders(options.webchatFrameAncestors ?? "'self'");
  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(headersFor(request))) reply.raw.setHeader(name, value);
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
      if (filePath.endsWith('.html')) res.header('cache-control', 'no-cache');
    },
  });
  for (const plugin of options.plugins) await app.register(plugin);
  return app;
}

/** The pages' policy: only this server's own scripts, styles, images and connections; no inline code, no plugins. */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
/** JSON, event streams, files for download: nothing in them may run, load or be framed. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The security headers of a request's answer, by what it is:
 *
 * - the staff console (`/staff/…` files): strict CSP, never framed (`frame-ancestors 'none'`,
 *   `X-Frame-Options: DENY`) — clickjacking a signed-in colleague is the threat;
 * - the web chat page and its assets (other static files): the same CSP, framable by
 *   `webchatFrameAncestors`, as the association's site embeds it (`embed.js`);
 * - everything else (the staff API, Direct Line, webhooks, health, 404s): `default-src 'none'`, never
 *   framed; under `/staff/api/` also `Cache-Control: no-store`, as it carries personal data.
 *
 * And on all: nosniff, no referrer, `Cross-Origin-Opener-Policy: same-origin`, a Permissions-Policy
 * that denies camera, microphone and location, and HSTS when the request came over TLS (the proxy's
 * `X-Forwarded-Proto` with TRUST_PROXY).
 */
export function securityHeaders(webchatFrameAncestors: string): (request: FastifyRequest) => Record<string, string> {
  const chatFraming = webchatFrameAncestors.trim() === "'self'" ? { 'x-frame-options': 'SAMEORIGIN' } : {};
  return (request) => {
    const url = request.url.split('?')[0] ?? '';
    const isStatic = request.routeOptions.url === '/*';
    const common: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
      ...(request.protocol === 'https' ? { 'strict-transport-security': 'max-age=31536000' } : {}),
    };
    if (isStatic && url.startsWith('/staff/')) {
      return { ...common, 'content-security-policy': `${PAGE_POLICY}; frame-ancestors 'none'`, 'x-frame-options': 'DENY' };
    }
    if (isStatic) return { ...common, 'content-security-policy': `${PAGE_POLICY}; frame-ancestors ${webchatFrameAncestors}`, ...chatFraming };
    return {
      ...common,
      'content-security-policy': API_POLICY,
      'x-frame-options': 'DENY',
      ...(url.startsWith('/staff/api/') ? { 'cache-control': 'no-store' } : {}),
    };
  };
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
