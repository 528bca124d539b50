import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Activity, Attachment } from 'botbuilder-core';
import { Telegraf, type Context } from 'telegraf';
import type { Update, User } from 'telegraf/types';
import { z } from 'zod';
import type { ChannelDependencies, ChannelModule } from '../../src/channels/channel-module.js';
import type { ConversationRecord } from '../../src/store/types.js';
import { TelegramAdapter } from './telegram-adapter.js';
import { buttonValue } from './telegram-buttons.js';
import { conversationFor, externalIdOf } from '../../src/channels/channel-conversations.js';
import { ChatQueue } from '../../src/channels/chat-queue.js';
import { channelStatusReporter } from '../../src/channels/channel-status.js';
import { LOCALES, type I18n } from '../../src/i18n/i18n.js';
import { classify, COMMANDS, MAX_FILE_BYTES, type Inbound } from './telegram-inbound.js';
import { checkFile, refusedFile } from '../../src/security/file-type.js';

const CHANNEL = 'telegram';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Derived from the bot token, so every process behind the webhook agrees on it without more config. */
export function webhookSecret(botToken: string): string {
  return crypto.createHash('sha256').update(`injab-telegram-webhook:${botToken}`).digest('hex');
}

/**
 * Telegram, when `TELEGRAM_BOT_TOKEN` is set: long polling, or a webhook at the path of
 * `TELEGRAM_WEBHOOK_URL` whose secret token header is checked on every request. One chat's updates
 * are handed to the turn runner one after the other, although telegraf handles a polling batch
 * concurrently.
 */
export function createTelegramChannel(deps: ChannelDependencies): ChannelModule | null {
  const { config, store, runner, logger } = deps;
  const { botToken, apiRoot, webhookUrl, messagesPerSecond } = config.telegram;
  if (!botToken) return null;
  const log = logger.child({ channel: CHANNEL });
  const bot = new Telegraf(botToken, apiRoot ? { telegram: { apiRoot } } : {});
  const adapter = new TelegramAdapter({
    telegram: bot.telegram,
    messagesPerSecond,
    chatIdOf: (conversationId) => externalIdOf(store, CHANNEL, conversationId),
    placeholderFor: (inputType, locale) => {
      const lang = locale?.startsWith('en') ? 'en' : 'ar';
      const key = `channels.telegram.placeholder.${inputType}`;
      return deps.i18n.has(lang, key) ? deps.i18n.t(lang, key) : undefined;
    },
  });
  const chats = new ChatQueue();

  const conversationOf = (chatId: string): Promise<ConversationRecord> => conversationFor(store, CHANNEL, chatId);

  const receive = async (update: Update, chatId: string, from: User, activity: Partial<Activity>) => {
    const conversation = await conversationOf(chatId);
    await runner.receive(
      conversation,
      {
        type: 'message',
        channelId: CHANNEL,
        from: { id: String(from.id), name: [from.first_name, from.last_name].filter(Boolean).join(' ') },
        ...(from.language_code ? { locale: from.language_code } : {}),
        ...activity,
      },
      // Confirmed to Telegram once stored; the turn runs after (see TurnRunner.drainSoon).
      { dedupeKey: String(update.update_id), awaitTurn: false },
    );
  };

  /** Fetches a file and keeps it only when its bytes are an accepted kind (whatever Telegram's `mime_type` says). */
  const download = async (inbound: Extract<Inbound, { kind: 'file' }>, chatId: string) => {
    const link = await bot.telegram.getFileLink(inbound.fileId);
    // A self-hosted Bot API server in local mode hands out paths on its own disk.
    const bytes = link.protocol === 'file:' ? await readLocalFile(fileURLToPath(link)) : await fetchBytes(link);
    if (!bytes) return { ok: false as const, refusal: 'file_too_large' as const };
    const verdict = checkFile(bytes, inbound.name);
    if (!verdict.ok) return verdict;
    const conversation = await conversationOf(chatId);
    const stored = await store.files.put({ name: verdict.name, contentType: verdict.contentType, conversationId: conversation.id, bytes });
    return { ok: true as const, stored };
  };

  bot.on('message', (ctx) => {
    const { message } = ctx;
    const chatId = String(message.chat.id);
    return chats.run(chatId, async () => {
      const id = `${chatId}-${message.message_id}`;
      const inbound = classify(message);
      const from = message.from ?? fallbackUser(message.chat.id);
      if (inbound.kind === 'text') return receive(ctx.update, chatId, from, { id, text: inbound.text });
      if (inbound.kind === 'unsupported') return receive(ctx.update, chatId, from, { id, text: '', channelData: { unsupported: true } });
      const result = inbound.kind === 'refused' ? ({ ok: false, refusal: inbound.refusal } as const) : await download(inbound, chatId);
      if (!result.ok) {
        log.info({ event: 'telegram.file_refused', refusal: result.refusal, messageId: message.message_id }, 'a file was refused');
        return receive(ctx.update, chatId, from, { id, ...refusedFile(result.refusal) });
      }
      const { stored } = result;
      const attachment: Attachment = {
        contentType: stored.contentType,
        name: stored.name,
        contentUrl: 'telegram-file',
        content: { fileId: stored.id, size: stored.size },
      };
      return receive(ctx.update, chatId, from, { id, text: inbound.kind === 'file' ? (inbound.caption ?? '') : '', attachments: [attachment] });
    });
  });

  bot.on('callback_query', async (ctx: Context) => {
    const query = ctx.callbackQuery;
    if (!query) return;
    try {
      // First, so the button stops spinning even when the turn takes a while.
      await ctx.answerCbQuery();
    } catch (error) {
      log.warn({ err: error, event: 'telegram.callback_answer_failed' }, 'could not answer a callback query');
    }
    const data = 'data' in query ? query.data : undefined;
    const keyboard = query.message && 'reply_markup' in query.message ? query.message.reply_markup : undefined;
    const value = data === undefined ? null : buttonValue(data, keyboard);
    if (value === null) return;
    const chatId = String(query.message?.chat.id ?? query.from.id);
    await chats.run(chatId, () => receive(ctx.update, chatId, query.from, { id: `${chatId}-cb-${query.id}`, text: value }));
  });

  /** Updates whose handling failed, until the webhook route has answered for them. */
  const failedUpdates = new Set<number>();
  bot.catch((error, ctx) => {
    log.error({ err: error, event: 'telegram.update_failed', updateId: ctx.update.update_id }, 'a Telegram update failed');
    failedUpdates.add(ctx.update.update_id);
  });
  /**
   * The webhook's handler: an update that failed (the store busy, a download cut off) is answered
   * 500, so Telegram delivers it again — a 200 would lose it. Its update id drops the repeat of
   * whatever part was stored.
   */
  const handleWebhookUpdate = async (update: Update): Promise<void> => {
    await bot.handleUpdate(update);
    if (failedUpdates.delete(update.update_id)) throw new Error(`Telegram update ${update.update_id} failed; Telegram will deliver it again`);
  };

  let polling: Promise<void> | null = null;
  const secret = webhookSecret(botToken);
  const report = channelStatusReporter(deps.statusBoard, CHANNEL, log);
  const module: ChannelModule = {
    adapter,
    async start() {
      bot.botInfo = await bot.telegram.getMe();
      await registerCommands(bot, deps.i18n, (error: unknown) => log.warn({ err: error, event: 'telegram.commands_failed' }, 'could not register the bot commands'));
      if (webhookUrl) {
        await bot.telegram.setWebhook(webhookUrl, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
        log.info({ event: 'telegram.webhook_set' }, 'Telegram webhook set');
        await report('webhook');
        return;
      }
      // Resolves only when polling stops; awaited by stop().
      polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).then(
        () => {
          log.info({ event: 'telegram.polling_stopped' }, 'Telegram polling stopped');
          return report('disconnected', { detail: 'stopped' });
        },
        (error: unknown) => {
          log.error({ err: error, event: 'telegram.polling_failed' }, 'Telegram polling failed');
          return report('disconnected', { detail: 'polling_failed' });
        },
      );
      log.info({ event: 'telegram.polling_started', bot: bot.botInfo.username }, 'Telegram long polling started');
      await report('polling');
    },
    async stop() {
      if (!polling) return;
      try {
        bot.stop('app stopping');
      } catch (error) {
        log.warn({ err: error, event: 'telegram.stop_failed' }, 'Telegram polling was not running');
      }
      await polling;
      polling = null;
    },
  };
  if (webhookUrl) module.routes = async (app) => webhookRoute(app, new URL(webhookUrl).pathname, secret, handleWebhookUpdate);
  return module;
}

/**
 * An update the bot can handle: a message with its chat, a button tap with its sender. Anything else
 * that claims to be one is answered 400 and dropped, since delivering it again would not help; a
 * well-formed update whose handling fails is answered 500, so Telegram delivers it again.
 */
const webhookBody = z.looseObject({
  update_id: z.number().int(),
  message: z.looseObject({ message_id: z.number().int(), date: z.number(), chat: z.looseObject({ id: z.number() }) }).optional(),
  callback_query: z.looseObject({ id: z.string(), from: z.looseObject({ id: z.number() }) }).optional(),
});

async function webhookRoute(
  app: Parameters<NonNullable<ChannelModule['routes']>>[0],
  path: string,
  secret: string,
  handle: (update: Update) => Promise<void>,
): Promise<void> {
  app.post(path, async (request, reply) => {
    const given = request.headers[SECRET_HEADER];
    if (typeof given !== 'string' || !sameSecret(given, secret)) return reply.code(401).send({ error: 'bad secret token' });
    const parsed = webhookBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: 'not a Telegram update' });
    // Answered after the update is in the transcript, so a crash after the 200 loses nothing.
    await handle(parsed.data as unknown as Update);
    return reply.code(200).send({ ok: true });
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The command menu Telegram shows, in each language, with descriptions from the locales. */
async function registerCommands(bot: Telegraf, i18n: I18n, onError: (error: unknown) => void): Promise<void> {
  for (const language of LOCALES) {
    const commands = Object.keys(COMMANDS).map((command) => ({ command, description: i18n.t(language, `channels.telegram.commands.${command}`) }));
    try {
      await bot.telegram.setMyCommands(commands, language === 'ar' ? {} : { language_code: language });
    } catch (error) {
      onError(error);
    }
  }
}

/** The file's bytes, or null past `MAX_FILE_BYTES` (read no further than that, whatever the server sends). */
async function fetchBytes(url: URL): Promise<Buffer | null> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`downloading a Telegram file failed: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_FILE_BYTES) {
    await response.body?.cancel();
    return null;
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    length += part.value.length;
    if (length > MAX_FILE_BYTES) {
      await reader?.cancel();
      return null;
    }
    chunks.push(Buffer.from(part.value));
  }
  return Buffer.concat(chunks);
}

async function readLocalFile(file: string): Promise<Buffer | null> {
  if ((await fs.stat(file)).size > MAX_FILE_BYTES) return null;
  return fs.readFile(file);
}

/** Channel posts have no sender; the chat stands in for it. */
function fallbackUser(chatId: number): User {
  return { id: chatId, is_bot: false, first_name: '' };
}
