import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';
import { registeredRoutes } from '../helpers/routes.js';

/**
 * Every answer of the server carries the security headers, whatever route gave it: this walks every
 * registered route (from fastify's own route tree) and every file of the pages, as an attacker would.
 */
const SITE = 'https://www.injab.example';
const t = useTestApp({ env: { TRUST_PROXY: 'true', WEBCHAT_FRAME_ANCESTORS: `'self' ${SITE}` } });
const staff = staffClient(t);

/** Every file of the public folder as a URL path (index.html also as its folder). */
function pages(): string[] {
  const root = path.join(projectRoot(), 'src', 'web', 'public');
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).map((f) => `/${f.split(path.sep).join('/')}`);
  return ['/', '/staff/', ...files];
}

async function call(method: string, urlPath: string, cookie: string, headers: Record<string, string> = {}): Promise<Response> {
  const { url } = t();
  const abort = new AbortController();
  const res = await fetch(`${url}${urlPath}`, {
    method,
    redirect: 'manual',
    signal: abort.signal,
    headers: { origin: url, cookie, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  });
  // The event stream never ends: its headers are all this test needs. Other bodies are read, so
  // no connection is left half-used when the app stops.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) abort.abort();
  else await res.arrayBuffer();
  return res;
}

function expectCommon(res: Response, where: string): void {
  const h = res.headers;
  expect(h.get('x-content-type-options'), where).toBe('nosniff');
  expect(h.get('referrer-policy'), where).toBe('no-referrer');
  expect(h.get('cross-origin-opener-policy'), where).toBe('same-origin');
  expect(h.get('permissions-policy'), where).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  const csp = h.get('content-security-policy') ?? '';
  expect(csp, where).not.toBe('');
  expect(csp, where).not.toMatch(/unsafe-inline|unsafe-eval/);
}

describe('security headers on every route', () => {
  it('walks every registered route: API answers carry a deny-all CSP, are never framed, and staff API answers are never stored', async () => {
    const routes = registeredRoutes(t().app).filter((r) => r.path !== '*' && r.path !== '/*');
    expect(routes.length).toBeGreaterThan(40);
    const admin = await staff.account('admin');
    let checked = 0;
    for (const route of routes) {
      for (const method of route.methods) {
        if (route.path === '/staff/api/session' && method === 'DELETE') continue; // would sign the admin out; checked below
        const urlPath = route.path.replace(/:(\w+)/g, 'not-a-real-$1');
        const res = await call(method, urlPath, admin.cookie);
        const where = `${method} ${urlPath} → ${res.status}`;
        expectCommon(res, where);
        if (urlPath !== '/staff/api/events') expect(res.headers.get('content-security-policy'), where).toBe("default-src 'none'; frame-ancestors 'none'");
        else expect(res.headers.get('content-security-policy'), where).toMatch(/default-src 'none'/);
        expect(res.headers.get('x-frame-options'), where).toBe('DENY');
        if (urlPath.startsWith('/staff/api/')) expect(res.headers.get('cache-control'), where).toMatch(/no-store/);
        checked += 1;
      }
    }
    const signOut = await call('DELETE', '/staff/api/session', admin.cookie);
    expectCommon(signOut, 'DELETE /staff/api/session');
    expect(signOut.headers.get('cache-control')).toBe('no-store');
    expect(checked).toBeGreaterThan(40);
  });

  it('gives unknown paths and errors the same headers', async () => {
    for (const res of [await call('GET', '/staff/api/nothing-here', ''), await call('GET', '/staff/api/me', ''), await call('POST', '/staff/api/session', '', { origin: 'https://evil.example' })]) {
      expectCommon(res, res.url);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('serves the console with a strict CSP and never lets it be framed', async () => {
    const consolePages = pages().filter((p) => p.startsWith('/staff/'));
    expect(consolePages).toContain('/staff/staff.js');
    for (const page of consolePages) {
      const res = await call('GET', page, '');
      expect(res.status, page).toBe(200);
      expectCommon(res, page);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, page).toMatch(/script-src 'self'/);
      expect(csp, page).toMatch(/style-src 'self'/);
      expect(csp, page).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-frame-options'), page).toBe('DENY');
    }
  });

  it('lets the association’s site embed the chat page and its assets, and nobody else', async () => {
    for (const page of pages().filter((p) => !p.startsWith('/staff/'))) {
      const res = await call('GET', page, '');
      expect(res.status, page).toBe(200);
      expectCommon(res, page);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, page).toMatch(/script-src 'self'/);
      expect(csp, page).toContain(`frame-ancestors 'self' ${SITE}`);
      // X-Frame-Options cannot name another site; the CSP decides for every current browser.
      expect(res.headers.get('x-frame-options'), page).toBeNull();
    }
  });

  it('asks browsers for HTTPS only when the request came over TLS', async () => {
    expect((await call('GET', '/healthz', '', { 'x-forwarded-proto': 'https' })).headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect((await call('GET', '/staff/', '', { 'x-forwarded-proto': 'https' })).headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect((await call('GET', '/healthz', '')).headers.get('strict-transport-security')).toBeNull();
  });

  it('has pages with no inline script, style or event handler (the CSP would block them)', () => {
    const root = path.join(projectRoot(), 'src', 'web', 'public');
    for (const page of pages().filter((p) => p.endsWith('.html'))) {
      const html = fs.readFileSync(path.join(root, page), 'utf8');
      expect(html, page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(html, page).not.toMatch(/<style\b/i);
      expect(html, page).not.toMatch(/\sstyle=/i);
      expect(html, page).not.toMatch(/\son[a-z]+=/i);
      expect(html, page).not.toMatch(/javascript:/i);
    }
  });
});

describe('the chat page with the default framing', () => {
  const d = useTestApp();

  it('may be framed by its own origin only', async () => {
    const res = await fetch(`${d().url}/`);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'$/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('refuses a WEBCHAT_FRAME_ANCESTORS that would smuggle in another directive', () => {
    expect(() => loadConfig({ WEBCHAT_FRAME_ANCESTORS: "'self'; script-src *" })).toThrow(/WEBCHAT_FRAME_ANCESTORS/);
    expect(() => loadConfig({ WEBCHAT_FRAME_ANCESTORS: 'http://evil.example' })).toThrow(/WEBCHAT_FRAME_ANCESTORS/);
    expect(loadConfig({ WEBCHAT_FRAME_ANCESTORS: "'self' https://*.example.org" }).webchatFrameAncestors).toBe("'self' https://*.example.org");
    // As an env file gives it, quotes stripped.
    expect(loadConfig({ WEBCHAT_FRAME_ANCESTORS: 'self https://www.example.org' }).webchatFrameAncestors).toBe("'self' https://www.example.org");
  });
});
