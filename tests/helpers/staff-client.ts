import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { hashPassword } from '../../src/staff/password.js';
import type { StaffRole } from '../../src/store/types.js';
import { allText, type DirectLineClient, type WireActivity } from './directline-client.js';
import type { TestApp } from './test-app.js';

/**
 * Acting as a staff member against a running test app: signing in, calling the staff API, making
 * accounts, and waiting for what staff actions cause elsewhere (a message in a beneficiary's chat, an
 * event on the live stream). One client per app, so a file with two apps (a restart test) makes two.
 *
 * @example
 * const t = useTestApp();
 * const staff = staffClient(t);
 * const officer = await staff.account('officer');
 * const res = await staff.api('/staff/api/volunteers', officer.cookie);
 */

/** A signed-in account: its id in the store and the session cookie (`name=value`) to send back. */
export type StaffAccount = { id: string; cookie: string };

/** What signing in gave: the status, and the session cookie (empty when it failed). */
export type StaffSession = { status: number; cookie: string };

/** A request to the staff API; with a `body` it is sent as JSON. */
export type StaffApiInit = { method?: string; body?: unknown };

export type AccountOptions = {
  /** The name the console shows. Default: the role. */
  displayName?: string;
  /** Default: a fresh `${role}-…@injab.test`, so tests never share an account. */
  email?: string;
  /** Default: 'a long password' (accounts are written to the store, so no length rule applies). */
  password?: string;
  /** Expect the sign-in to answer 200 (the default); `false` for tests that never asserted it. */
  expectSignedIn?: boolean;
};

export type StaffClient = ReturnType<typeof staffClient>;

/**
 * A staff client for one app. Pass the `useTestApp()` getter (the app starts in `beforeAll`, so it is
 * looked up on every call) or a `TestApp` started by hand.
 */
export function staffClient(source: TestApp | (() => TestApp)) {
  const app = (): TestApp => (typeof source === 'function' ? source() : source);

  /** Signs in and reports the outcome without judging it (for tests about refusals). */
  async function session(email: string, password: string): Promise<StaffSession> {
    const { url } = app();
    const res = await fetch(`${url}/staff/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ email, password }),
    });
    return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
  }

  /** Signs in, expecting 200, and returns the session cookie. */
  async function signIn(email: string, password: string): Promise<string> {
    const { status, cookie } = await session(email, password);
    expect(status).toBe(200);
    return cookie;
  }

  /**
   * Calls the staff API at `path` (from `/staff/...`) as the holder of `cookie` (none when null or
   * empty), from the app's own origin as the console would; a `body` is sent as JSON.
   */
  function api(path: string, cookie: string | null, init: StaffApiInit = {}): Promise<Response> {
    const { url } = app();
    return fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: { origin: url, ...(cookie ? { cookie } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  /** Creates an active account with `role` straight in the store and signs it in. */
  async function account(role: StaffRole, options: AccountOptions = {}): Promise<StaffAccount> {
    const email = options.email ?? `${role}-${Math.random().toString(36).slice(2)}@injab.test`;
    const password = options.password ?? 'a long password';
    const created = await app().app.store.staff.create({ email, passwordHash: await hashPassword(password), role, displayName: options.displayName ?? role, active: true });
    const { status, cookie } = await session(email, password);
    if (options.expectSignedIn !== false) expect(status).toBe(200);
    return { id: created.id, cookie };
  }

  /** Signs in an account that already exists (the admin made from ADMIN_EMAIL, say), with its id. */
  async function existing(email: string, password: string): Promise<StaffAccount> {
    const found = await app().app.store.staff.findByEmail(email);
    return { id: found?.id ?? '', cookie: await signIn(email, password) };
  }

  return { session, signIn, api, account, existing };
}

/**
 * Polls `probe` until it gives a value other than `undefined` (the outbound worker, queues and
 * pub/sub run beside the test), every `everyMs`; fails naming `what` after `ms`.
 */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 5000, everyMs = 50): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The first bot message in the beneficiary's whole chat that contains `needle` — how a test sees a
 * staff action reach them. Reads the transcript from the start, so earlier reads do not hide it.
 */
export function botSays(dl: DirectLineClient, needle: string): Promise<WireActivity> {
  return eventually(
    async () => {
      const { activities } = (await (await dl.get('0')).json()) as { activities: WireActivity[] };
      return activities.find((a) => a.from.role === 'bot' && a.text?.includes(needle));
    },
    `"${needle}" in the chat`,
    6000,
    100,
  );
}

/**
 * Reads the bot's new messages every 100 ms until their text contains `needle` or `tries` reads
 * were made, and returns all the text read (the caller asserts on it).
 */
export async function botTextUntil(dl: DirectLineClient, needle: string, tries = 60): Promise<string> {
  let text = '';
  for (let i = 0; i < tries && !text.includes(needle); i += 1) {
    await sleep(100);
    text += allText((await dl.read()).filter((a) => a.from.role === 'bot'));
  }
  return text;
}

/**
 * Opens the staff console at `url` in a new desktop-sized browser context and signs `who` in,
 * waiting until the header shows a name.
 */
export async function consolePage(browser: Browser, url: string, who: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${url}/staff`);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await page.click('#signin');
  await page.locator('#user-name').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
  return page;
}
