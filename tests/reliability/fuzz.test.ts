import crypto from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/app.js';
import { Vocabulary } from '../../src/bot/vocabulary.js';
import { step, type EngineContext } from '../../src/flows/engine.js';
import { initialState, type EngineState, type StepResult } from '../../src/flows/engine-types.js';
import { loadFlows } from '../../src/flows/load-flows.js';
import { VALIDATORS } from '../../src/flows/validators.js';
import { createI18n, isLocale, type Locale } from '../../src/i18n/i18n.js';
import { webhookSecret } from '../../adapters/telegram/telegram-channel.js';
import { GraphDouble } from '../adapters/whatsapp-cloud-graph-double.js';
import { TelegramApiDouble } from '../adapters/telegram-api-double.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { staffClient, type StaffAccount } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Property-based fuzzing (issue 10, "Reliability"): random Unicode and huge texts through the flow
 * engine at every question of the support application, and malformed bodies through every route
 * that takes input from outside. Nothing may throw, answer 5xx, hang or reject unhandled, and a
 * refused answer leaves the application as it was. The seed is fixed (fast-check prints it, with
 * the shrunk counterexample, on a failure); run with FUZZ_SEED=<n> to explore other inputs.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const REQUEST_TIMEOUT_MS = 10_000;

const problems: unknown[] = [];
const onProblem = (error: unknown) => problems.push(error);
beforeAll(() => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
});
afterAll(() => {
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
  expect(problems).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Text that breaks naive code: scripts, direction marks, invisible characters, emoji sequences,
// lone surrogates, control characters, markup, injection and ICU syntax.
const NASTY = [
  'مرحبا', 'الخبر', 'نعم', 'لا', '١٢٣٤٥٦٧٨٩٠', '۱۲۳', 'خالد سعد', 'ـــــ', 'ﷺ', 'ﻻ',
  '\u200f', '\u200e', '\u202e', '\u202d', '\u2066', '\u2069', '\u061c', '\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad', '\u2028', '\u2029',
  '👨‍👩‍👧‍👦', '🇸🇦', '❤️', '🏳️‍🌈', '👍🏽', '\ud83d', '\ude00', '\udfff\ud800', '\u0000', '\u0007', '\u001b[31m', '\r\n', '\t', '\u007f', '\u0085',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"; DROP TABLE messages; --', "' OR '1'='1", '{"$gt": ""}', '$where', '__proto__',
  'constructor', '{{7*7}}', '${process.exit(1)}', '../../etc/passwd', '%s%n%x', '{name}', '{count, plural, one {#} other {#}}', "'{'", '\\u0000',
  '1e309', '-0', 'NaN', 'Infinity', '9'.repeat(40), '0x1F', '2026-02-30', 'null', 'undefined', '[]', '1087654321', '0501234567', '+966 50 123 4567',
];
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 3 }) },
);
const nastyText = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
/** 100 KB and more: one piece repeated, or several. */
const hugeText = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.integer({ min: 100_000, max: 160_000 })).map(([parts, size]) => {
  const unit = parts.join('') || 'ا';
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
});

// ---------------------------------------------------------------------------------------------
describe('fuzz: the flow engine at every question of the support application', () => {
  const root = projectRoot();
  const i18n = createI18n(path.join(root, 'locales'));
  const vocabulary = new Vocabulary(i18n);
  /** Every service name is known: the engine only names the call, which the runtime performs. */
  const anyService = new (class extends Set<string> {
    override has(): boolean {
      return true;
    }
  })();
  const ctx: EngineContext = {
    flows: loadFlows(path.join(root, 'flows'), { i18n, services: anyService, validators: new Set(Object.keys(VALIDATORS)) }),
    words: (key) => vocabulary.words(key),
    now: () => Date.UTC(2026, 10, 26, 9),
  };

  /** A valid answer to each question, by field, on the way to the declaration. */
  const VALID: Record<string, string> = {
    consent_answer: 'أوافق',
    applicant_name: 'خالد سعد الدوسري',
    national_id: '1087654321',
    spouse_name: 'نورة محمد العتيبي',
    spouse_national_id: '2192837462',
    mobile: '0501234567',
    city: 'الخبر',
    wife_age: '29',
    husband_age: '33',
    years_married: '6',
    children: '0',
    treatment: '2',
    treatment_attempts: '3',
    income: '7000',
    support_type: '4',
    support_details: 'مساعدة في المواصلات',
    contact_time: 'أي وقت',
    documents_when: 'لاحقا',
  };

  type Question = { field: string; locale: Locale; state: EngineState };

  /** Answers the application in `locale` and keeps the state at each question (and at the summary's edit pick). */
  function questions(locale: Locale): Question[] {
    const found: Question[] = [];
    let state: EngineState = { ...initialState(), locale };
    let result = step(ctx, state, { kind: 'start', flow: 'support_request' });
    for (let guard = 0; guard < 40; guard += 1) {
      state = result.state;
      if (result.status === 'call') {
        result = step(ctx, state, { kind: 'result', value: null });
        continue;
      }
      const ask = result.effects.findLast((e) => e.type === 'ask');
      if (!ask || ask.type !== 'ask') break;
      found.push({ field: ask.field, locale, state });
      if (ask.field === 'review_action') {
        const edit = step(ctx, state, { kind: 'text', text: '2' });
        const pick = edit.effects.findLast((e) => e.type === 'ask');
        if (pick?.type === 'ask') found.push({ field: pick.field, locale, state: edit.state });
        result = step(ctx, state, { kind: 'text', text: '1' });
        continue;
      }
      if (ask.field === 'declaration_answer') break;
      const answer = VALID[ask.field];
      if (answer === undefined) throw new Error(`no valid answer for ${ask.field}`);
      result = step(ctx, state, { kind: 'text', text: answer });
      expect(result.outcome, `answering ${ask.field}`).toBe('accepted');
    }
    return found;
  }

  /**
   * What the services answer, as the runtime would, on the way to each flow's first question and
   * after an answer. A call to any other service ends the step there: its replies are the service's.
   */
  const RESULTS: Record<string, unknown> = {
    find_open_request: null,
    booking_days: { count: 2, options: [{ value: '2026-11-29', text: 'الأحد 29' }, { value: '2026-11-30', text: 'الاثنين 30' }] },
    submit_support_request: { id: 'request-1', reference: '2611-0001', duplicate: false },
    open_request_documents: { complete: false, id_copies: false, marriage_contract: false, medical_reports: false, income_proof: false },
  };
  /** The data a flow is started with: the bot's own survey, a booking whose kind was said in the opening message. */
  const START_DATA: Record<string, Record<string, unknown>> = { survey: { survey_id: 'survey-1', milestone: 'service' }, booking: { kind: 'interview' } };

  /** Steps on through service calls as the runtime would. */
  function answerCalls(result: StepResult): StepResult & { all: StepResult['effects'] } {
    const all = [...result.effects];
    let current = result;
    for (let calls = 0; current.status === 'call' && calls < 5; calls += 1) {
      const call = current.effects.findLast((e) => e.type === 'call');
      if (call?.type !== 'call' || !(call.service in RESULTS)) break;
      current = step(ctx, current.state, { kind: 'result', value: RESULTS[call.service] });
      all.push(...current.effects);
    }
    return { ...current, all };
  }

  /** The first question of every other flow: dates, ratings, yes/no, files, menus. */
  function firstQuestions(locale: Locale, consent: EngineState['consent']): Question[] {
    return [...ctx.flows.keys()].flatMap((flow) => {
      const data = START_DATA[flow];
      const result = answerCalls(step(ctx, { ...initialState(), locale, consent }, { kind: 'start', flow, ...(data ? { data } : {}) }));
      const ask = result.effects.findLast((e) => e.type === 'ask');
      return ask?.type === 'ask' && result.status === 'waiting' ? [{ field: ask.field, locale: result.state.locale ?? locale, state: result.state }] : [];
    });
  }

  const application = [...questions('ar'), ...questions('en')];
  const consent = application.at(-1)?.state.consent ?? null;
  const all = [...application, ...firstQuestions('ar', consent), ...firstQuestions('en', consent)];

  it('reaches every kind of question the form asks', () => {
    const fields = new Set(all.map((q) => q.field));
    for (const field of [...Object.keys(VALID), 'review_action', 'edit_field', 'declaration_answer']) {
      if (field !== 'treatment_attempts' && field !== 'support_details') expect(fields).toContain(field);
    }
    const inputTypes = new Set(application.map((q) => ctx.flows.get(q.state.frame?.flow ?? '')?.steps[q.state.frame?.step ?? '']).map((s) => (s && 'input' in s ? s.input : undefined)));
    expect([...inputTypes].sort()).toEqual(['choice', 'city', 'nationalId', 'number', 'phone', 'text'].sort());
    const elsewhere = new Set(all.map((q) => ctx.flows.get(q.state.frame?.flow ?? '')?.steps[q.state.frame?.step ?? '']).map((s) => (s && 'input' in s ? s.input : undefined)));
    expect([...elsewhere]).toEqual(expect.arrayContaining(['date', 'rating', 'yesNo', 'attachment']));
  });

  /** Replies rendered as the bot would: each a non-empty text in the conversation's language. */
  function expectLocalizedReplies(question: Question, result: StepResult): void {
    const texts = result.effects.flatMap((effect) => (effect.type === 'say' || effect.type === 'ask' ? [{ key: effect.key, text: i18n.t(question.locale, effect.key, effect.params) }] : []));
    // A service call or a handoff is answered by the runtime (the service's reply, the handoff notice).
    const answeredElsewhere = result.status === 'call' || result.effects.some((effect) => effect.type === 'handoff');
    if (!answeredElsewhere) expect(texts.length, 'at least one reply').toBeGreaterThan(0);
    for (const { key, text } of texts) {
      expect(i18n.has(question.locale, key), `locale key ${key}`).toBe(true);
      expect(text.trim().length, `text of ${key}`).toBeGreaterThan(0);
    }
  }

  /** The answers before are kept; a refused answer changes nothing but the count of refusals. */
  function expectIntactState(question: Question, result: StepResult): void {
    const before = question.state.frame;
    const after = result.state.frame;
    expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
    expect(result.state.v).toBe(1);
    expect(isLocale(result.state.locale), 'a language the bot speaks').toBe(true);
    expect(Number.isInteger(result.state.invalidCount) && result.state.invalidCount >= 0).toBe(true);
    if (!before) return;
    // An accepted answer may end the flow (the declaration submits); a refused one never leaves the question.
    if (!after) {
      expect(result.outcome).toBe('accepted');
      return;
    }
    expect(ctx.flows.get(after.flow)?.steps[after.step], `step ${after.flow}.${after.step} exists`).toBeDefined();
    if (result.outcome === 'refused') {
      expect(result.state.locale).toBe(question.locale);
      expect(after.step).toBe(before.step);
      expect(after.data).toEqual(before.data);
      return;
    }
    if (after.flow !== before.flow) return;
    for (const [field, value] of Object.entries(before.data)) {
      if (field !== question.field) expect(after.data[field], `answer ${field} kept`).toEqual(value);
    }
  }

  /** One answer, with the service calls it leads to answered (no request open) as the runtime would. */
  const check = (question: Question, text: string) => {
    const first = step(ctx, question.state, { kind: 'text', text });
    const result = answerCalls(first);
    expectLocalizedReplies(question, { ...result, effects: result.all });
    expectIntactState(question, { ...result, outcome: first.outcome });
  };

  it('answers random Unicode, markup and injection-looking text without throwing or corrupting the state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), nastyText, (question, text) => check(question, text)),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('answers texts of 100 KB and more at every question', () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), hugeText, (question, text) => check(question, text)),
      { seed: SEED, numRuns: 30 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The routes: one app with every channel that takes HTTP input.
const graph = new GraphDouble();
const TELEGRAM_TOKEN = '123:fuzz';
const telegram = new TelegramApiDouble(TELEGRAM_TOKEN);
const TELEGRAM_PATH = '/telegram-hook';
const env: Record<string, string> = {
  WHATSAPP_CLOUD_TOKEN: 't',
  WHATSAPP_PHONE_NUMBER_ID: '1000',
  WHATSAPP_APP_SECRET: 's3cret',
  WHATSAPP_VERIFY_TOKEN: 'v',
  TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
  TELEGRAM_WEBHOOK_URL: `https://bot.example.org${TELEGRAM_PATH}`,
};
beforeAll(async () => {
  env['WHATSAPP_GRAPH_URL'] = await graph.start();
  env['TELEGRAM_API_ROOT'] = await telegram.start();
});
const t = useTestApp({ env });
afterAll(async () => {
  await graph.stop();
  await telegram.stop();
});

/** A request that must answer: a hang fails the property (the timeout rejects). */
function send(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

/** No 5xx; a refusal is a 4xx with a JSON error that says what is wrong. */
async function expectNoServerError(res: Response, what: unknown): Promise<void> {
  const body = await res.text();
  expect(res.status, `${JSON.stringify(what)?.slice(0, 300)} → ${res.status} ${body.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const parsed = JSON.parse(body) as { error?: unknown };
    expect(parsed.error, body).toBeDefined();
  }
}

/** JSON values of every shape, with operator objects, huge numbers and deep nesting mixed in. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyText },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>({ $gt: '' }, { $ne: null }, JSON.parse('{"__proto__": {"admin": true}}'), { constructor: { prototype: { admin: true } } }, [], [null], {}, null, true, 1e308, -1e308, 2 ** 53 + 1, -0, 0.1, '', ' '),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((depth) => nested(depth)) },
);

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

/**
 * An object like `template`, each key mostly kept (so most bodies get past the first check and
 * reach deeper code), sometimes dropped or given a hostile value; `extraKeys` sometimes added.
 */
function mutated(template: Record<string, unknown>, extraKeys: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const KEEP = Symbol('keep');
  const DROP = Symbol('drop');
  const templateKey = fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>(KEEP) }, { weight: 1, arbitrary: fc.constant<unknown>(DROP) }, { weight: 1, arbitrary: hostileValue });
  const extraKey = fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>(DROP) }, { weight: 1, arbitrary: hostileValue });
  const keys = [...Object.keys(template).map((key) => [key, templateKey] as const), ...extraKeys.map((key) => [key, extraKey] as const)];
  return fc.tuple(...keys.map(([key, choice]) => choice.map((value) => [key, value] as const))).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      if (value === DROP) continue;
      out[key] = value === KEEP ? template[key] : value;
    }
    return out;
  });
}

describe('fuzz: malformed activities through the web chat', () => {
  let dl: DirectLineClient;
  beforeAll(async () => {
    dl = await DirectLineClient.start(t().url);
  });

  const activity = mutated({ type: 'message', text: 'مرحبا', from: { id: 'visitor-1' }, locale: 'ar' }, ['id', 'value', 'name', 'channelData', 'attachments', 'conversation', 'recipient']);

  it('answers 200 or a 4xx JSON error for any activity shape, never 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: activity }, { weight: 1, arbitrary: hostileValue }), async (body) => {
        const res = await send(`${dl.baseUrl}/v3/directline/conversations/${dl.conversationId}/activities`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${dl.token}` },
          body: JSON.stringify(body),
        });
        await expectNoServerError(res, body);
        expect([200, 400]).toContain(res.status);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('refuses bodies that are not JSON, or not an object, with 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(nastyText, fc.constantFrom('{', '[', '{"type":', 'null', '"x"', '1', '{"type":"message","text":"\\ud800"}')), async (raw) => {
        const res = await send(`${dl.baseUrl}/v3/directline/conversations/${dl.conversationId}/activities`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${dl.token}` },
          body: raw,
        });
        await expectNoServerError(res, raw);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('still answers a plain message afterwards', async () => {
    const replies = await dl.say('مرحبا');
    expect(replies.length).toBeGreaterThan(0);
  });
});

describe('fuzz: random webhook bodies', () => {
  const waId = '966500000777';
  const validValue = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '966500000000', phone_number_id: '1000' },
    contacts: [{ profile: { name: 'Sara' }, wa_id: waId }],
    messages: [{ from: waId, id: 'wamid.fuzz', timestamp: '1700000000', type: 'text', text: { body: 'مرحبا' } }],
  };
  const message = mutated({ from: waId, id: 'wamid.x', timestamp: '1700000000', type: 'text', text: { body: 'hi' } }, ['image', 'document', 'interactive', 'button', 'context']).map((m) =>
    typeof m['id'] === 'string' ? { ...m, id: `${m['id']}-${crypto.randomUUID()}` } : m,
  );
  const value = fc.tuple(mutated(validValue, ['statuses', 'errors']), fc.array(message, { maxLength: 3 }), fc.boolean()).map(([v, messages, replace]) => (replace ? { ...v, messages } : v));
  const change = mutated({ field: 'messages', value: validValue }, []).chain((c) => value.map((v) => ('value' in c ? { ...c, value: v } : c)));
  const entry = mutated({ id: 'waba-1', changes: [] }, []).chain((e) => fc.array(fc.oneof(change, hostileValue), { maxLength: 3 }).map((changes) => ('changes' in e ? { ...e, changes } : e)));
  const whatsappBody = fc.oneof(
    { weight: 4, arbitrary: mutated({ object: 'whatsapp_business_account', entry: [] }, []).chain((b) => fc.array(fc.oneof(entry, hostileValue), { maxLength: 3 }).map((entries) => ('entry' in b ? { ...b, entry: entries } : b))) },
    { weight: 1, arbitrary: hostileValue },
  );

  function postWhatsApp(body: string): Promise<Response> {
    const signature = `sha256=${crypto.createHmac('sha256', 's3cret').update(body).digest('hex')}`;
    return send(`${t().url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  }

  it('never answers a signed WhatsApp Cloud delivery of any structure with 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(whatsappBody, async (body) => {
        const raw = JSON.stringify(body) ?? 'null';
        await expectNoServerError(await postWhatsApp(raw), body);
      }),
      { seed: SEED, numRuns: 150 },
    );
    const sent = graph.sentTo(waId).length;
    const res = await postWhatsApp(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba-1', changes: [{ field: 'messages', value: { ...validValue, messages: [{ ...validValue.messages[0], id: `wamid.${crypto.randomUUID()}` }] } }] }] }));
    expect(res.status).toBe(200);
    // Acknowledged once stored: the reply follows when the turn has run.
    await t().app.runner.settle();
    expect(graph.sentTo(waId).length).toBeGreaterThan(sent);
  });

  const chat = { id: 7001, type: 'private' };
  const from = { id: 7001, is_bot: false, first_name: 'Sara', language_code: 'ar' };
  let updateId = 1000;
  const telegramMessage = mutated({ message_id: 1, date: 0, chat, from, text: 'مرحبا' }, ['photo', 'document', 'caption', 'entities', 'reply_markup', 'voice', 'sticker']);
  const callback = mutated({ id: 'cb', from, data: 'x', message: { message_id: 1, date: 0, chat, text: 'q' } }, ['chat_instance']);
  const telegramUpdate = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('message', 'edited_message', 'callback_query', 'channel_post', 'my_chat_member'), fc.oneof(telegramMessage, callback, hostileValue)).map(([kind, payload]) => ({ update_id: (updateId += 1), [kind]: payload })) },
    { weight: 1, arbitrary: mutated({ update_id: 1 }, ['message', 'callback_query']) },
    { weight: 1, arbitrary: hostileValue },
  );

  function postTelegram(body: unknown): Promise<Response> {
    return send(`${t().url}${TELEGRAM_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret(TELEGRAM_TOKEN) },
      body: JSON.stringify(body) ?? 'null',
    });
  }

  it('never answers a Telegram update of any shape with 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(telegramUpdate, async (update) => {
        await expectNoServerError(await postTelegram(update), update);
      }),
      { seed: SEED, numRuns: 120 },
    );
    const sent = telegram.sent(chat.id).length;
    const res = await postTelegram({ update_id: (updateId += 1), message: { message_id: 99, date: 0, chat, from, text: 'مرحبا' } });
    expect(res.status).toBe(200);
    // Acknowledged once stored: the reply follows when the turn has run.
    await t().app.runner.settle();
    expect(telegram.sent(chat.id).length).toBeGreaterThan(sent);
  });
});

describe('a Telegram update that could not be stored', () => {
  it('is answered 500, so Telegram delivers it again, and its redelivery is answered once', async () => {
    const chat = { id: 7002, type: 'private' };
    const update = { update_id: 5001, message: { message_id: 7, date: 0, chat, from: { id: 7002, is_bot: false, first_name: 'Sara' }, text: 'مرحبا' } };
    const post = () =>
      fetch(`${t().url}${TELEGRAM_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret(TELEGRAM_TOKEN) },
        body: JSON.stringify(update),
      });
    const messages = t().app.store.messages;
    const append = messages.append.bind(messages);
    // The store is busy once (another process holds the file's write lock past the busy timeout).
    let refused = 0;
    messages.append = async (...args) => {
      if (refused === 0 && args[1].direction === 'incoming') {
        refused += 1;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return append(...args);
    };
    try {
      expect((await post()).status).toBe(500);
      expect(refused).toBe(1);
      expect((await post()).status).toBe(200);
      await t().app.runner.settle();
      expect((await post()).status).toBe(200);
      await t().app.runner.settle();
    } finally {
      messages.append = append;
    }
    expect(telegram.sent(chat.id)).toHaveLength(1);
  });
});

describe('fuzz: random bodies on the staff API', () => {
  const staff = staffClient(t);
  let admin: StaffAccount;
  let target: StaffAccount;
  let handoffId = '';
  beforeAll(async () => {
    admin = await staff.account('admin');
    target = await staff.account('officer');
    const conversation = await t().app.store.conversations.create({ channel: 'webchat', externalId: `fuzz-${crypto.randomUUID()}`, tokenHash: null, tokenExpiresAt: null });
    handoffId = (await t().app.store.handoffs.create({ conversationId: conversation.id, contactId: null, reason: 'fuzz' })).id;
  });

  /** State-changing routes, each with a body it accepts (mutated by the property). */
  const routes = (): { method: string; path: string; body: Record<string, unknown> }[] => [
    { method: 'POST', path: '/staff/api/staff', body: { email: 'fuzz@injab.test', displayName: 'Fuzz', role: 'officer', password: 'a long password' } },
    { method: 'PATCH', path: `/staff/api/staff/${target.id}`, body: { role: 'officer', active: true, displayName: 'Officer' } },
    { method: 'POST', path: `/staff/api/staff/${target.id}/password`, body: { password: 'another long password' } },
    { method: 'POST', path: `/staff/api/handoffs/${handoffId}/claim`, body: { force: true } },
    { method: 'POST', path: `/staff/api/handoffs/${handoffId}/messages`, body: { text: 'مرحبا، معك فريق إنجاب' } },
    { method: 'POST', path: `/staff/api/handoffs/${handoffId}/notes`, body: { text: 'ملاحظة' } },
    { method: 'POST', path: `/staff/api/handoffs/${handoffId}/assign`, body: { staffId: target.id } },
    { method: 'POST', path: '/staff/api/requests/0000-0000/status', body: { status: 'under_review', note: 'n' } },
    { method: 'POST', path: '/staff/api/bookings/nope/move', body: { day: '2026-12-01', window: '0900-1100', note: 'n' } },
    { method: 'POST', path: '/staff/api/volunteers/nope/status', body: { status: 'contacted', note: 'n' } },
    { method: 'POST', path: '/staff/api/feedback/nope/reply', body: { text: 'شكرا' } },
    { method: 'POST', path: '/staff/api/surveys/nope/follow-up', body: { note: 'n' } },
  ];

  it('never answers 5xx to a signed-in staff member sending random bodies', async () => {
    const cases = fc.constantFrom(...routes()).chain((route) => fc.oneof({ weight: 4, arbitrary: mutated(route.body, ['id', 'staffId']) }, { weight: 1, arbitrary: hostileValue }).map((payload) => ({ route, payload })));
    await fc.assert(
      fc.asyncProperty(cases, async ({ route, payload }) => {
        const res = await send(`${t().url}${route.path}`, {
          method: route.method,
          headers: { origin: t().url, cookie: admin.cookie, 'content-type': 'application/json' },
          body: JSON.stringify(payload) ?? 'null',
        });
        await expectNoServerError(res, { route: route.path, payload });
      }),
      { seed: SEED, numRuns: 100 },
    );
    // Still signed in and served.
    expect((await staff.api('/staff/api/handoffs', admin.cookie)).status).toBe(200);
  });
});
