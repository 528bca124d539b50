import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../src/http/http-server.js';
import { createLogger } from '../../src/logging/logger.js';

/** The HTTP server alone, logging JSON lines at `level` into memory. */
async function serverWithLog(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const app = await buildHttpServer({
    logger: createLogger({ level, destination }),
    publicDir: path.join(import.meta.dirname, '../../src/web/public'),
    trustProxy: false,
    readiness: { store: async () => undefined, redis: async () => undefined },
    plugins: [
      async (instance) => {
        instance.get('/quiet', { logLevel: 'warn' }, async () => ({ ok: true }));
      },
    ],
  });
  return { app, lines };
}

describe('the request log', () => {
  it('writes one line per answered request: path, status and time, never the query string or the address', async () => {
    const { app, lines } = await serverWithLog('info');
    try {
      await app.inject({ method: 'GET', url: '/healthz?token=s3cr3t', remoteAddress: '188.50.17.201' });
      await app.inject({ method: 'GET', url: '/no-such-page' });
      expect(lines.map((line) => line['msg'])).toEqual(['request completed', 'request completed']);
      expect(lines[0]).toMatchObject({ req: { method: 'GET', url: '/healthz', remoteNetwork: '188.50.17.0/24' }, res: { statusCode: 200 } });
      expect(lines[1]).toMatchObject({ req: { url: '/no-such-page' }, res: { statusCode: 404 } });
      expect(typeof lines[0]?.['responseTime']).toBe('number');
      expect(JSON.stringify(lines)).not.toMatch(/s3cr3t|188\.50\.17\.201/);
    } finally {
      await app.close();
    }
  });

  it('keeps a route at its own level: polling logged at warn leaves no line at info', async () => {
    const { app, lines } = await serverWithLog('info');
    try {
      expect((await app.inject({ method: 'GET', url: '/quiet' })).statusCode).toBe(200);
      expect(lines).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
