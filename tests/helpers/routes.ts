import type { App } from '../../src/app.js';

export type RegisteredRoute = { path: string; methods: string[] };

/**
 * Every route the app's HTTP server registered, from fastify's `printRoutes({commonPrefix: false})`
 * (one node per line, children indented four characters a level), with HEAD left out — so a test
 * can walk all of them and fail when a new route is added without being considered.
 */
export function registeredRoutes(app: App): RegisteredRoute[] {
  const tree = app.http?.printRoutes({ commonPrefix: false }) ?? '';
  const stack: string[] = [];
  const routes: RegisteredRoute[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)(?:├── |└── )(\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    const full = `${depth > 0 ? stack[depth - 1] : ''}${match[2] ?? ''}`;
    stack.push(full);
    routes.push({ path: full, methods: (match[3] ?? '').split(', ').filter((m) => m !== 'HEAD') });
  }
  return routes;
}
