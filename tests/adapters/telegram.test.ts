import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';
import { FILES, REFUSED_SIZE_AR, REFUSED_TYPE_AR } from './file-fixtures.js';
import { TelegramApiDouble } from './telegram-api-double.js';

/**
 * Telegram end to end: the real telegraf long-polls a local Bot API double, and the whole app
 * answers through it — greeting with an inline keyboard, a button press, a question, a repeated
 * update, a photo stored for the application.
 */
const TOKEN = '123:abc';
const double = new TelegramApiDouble(TOKEN);
const env: Record<string, string> = { TELEGRAM_BOT_TOKEN: TOKEN };
beforeAll(async () => {
  env['TELEGRAM_API_ROOT'] = await double.start();
});
// Registered after the double's hooks: the app starts once the double listens and stops before it.
const t = useTestApp({ env });
afterAll(async () => {
  await double.stop();
});

let updateId = 1;
let messageId = 1;
type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

function user(chatId: number) {
  return { id: chatId, is_bot: false, first_name: 'Sara', language_code: 'ar' };
}

function textUpdate(chatId: number, text: string) {
  return { update_id: (updateId += 1), message: { message_id: (messageId += 1), date: 0, chat: { id: chatId, type: 'private' }, from: user(chatId), text } };
}

/** Pushes updates and waits until the bot has sent `count` more messages to the chat. */
async function exchange(chatId: number, updates: unknown[], count = 1): Promise<Record<string, unknown>[]> {
  const before = double.sent(chatId).length;
  for (const update of updates) double.push(update);
  await expect.poll(() => double.sent(chatId).length, { timeout: 10_000, interval: 25 }).toBeGreaterThanOrEqual(before + count);
  // Let the rest of the turn's messages arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return double.sent(chatId).slice(before);
}

const texts = (messages: Record<string, unknown>[]) => messages.map((m) => String(m['text'])).join('\n');

describe('the Telegram channel', () => {
  it('greets in Arabic with an inline keyboard, answers a button press and a question', async () => {
    expect(t().app.runner.adapter('telegram')).toBeDefined();
    const chat = 5001;
    const greeting = await exchange(chat, [textUpdate(chat, 'السلام عليكم')]);
    expect(texts(greeting)).toContain('وعليكم السلام');
    const withKeyboard = greeting.find((m) => m['reply_markup']);
    const keyboard = withKeyboard?.['reply_markup'] as Keyboard | undefined;
    const about = keyboard?.inline_keyboard.flat().find((b) => b.text === 'عن الجمعية');
    expect(about).toBeDefined();
    expect(Buffer.byteLength(about?.callback_data ?? '', 'utf8')).toBeLessThanOrEqual(64);

    const press = {
      update_id: (updateId += 1),
      callback_query: {
        id: 'cb-1',
        from: user(chat),
        chat_instance: 'ci',
        data: about?.callback_data,
        message: { message_id: 77, date: 0, chat: { id: chat, type: 'private' }, text: withKeyboard?.['text'], reply_markup: keyboard },
      },
    };
    const aboutReply = await exchange(chat, [press]);
    expect(double.calls.some((c) => c.method === 'answerCallbackQuery' && c.body['callback_query_id'] === 'cb-1')).toBe(true);
    expect(String(aboutReply[0]?.['text'])).toContain('جمعية خيرية');

    const answer = await exchange(chat, [textUpdate(chat, 'كم مدة الرد على الطلب؟')]);
    expect(texts(answer)).toContain('أسبوعين');
  });

  it('answers the same update once when Telegram delivers it twice', async () => {
    const chat = 5002;
    const update = textUpdate(chat, 'السلام عليكم');
    const first = await exchange(chat, [update]);
    double.push(update);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(double.sent(chat)).toHaveLength(first.length);
    const conversation = await t().app.store.conversations.findByExternal('telegram', String(chat));
    const incoming = await t().app.store.messages.list(conversation?.id ?? '', { afterSeq: 0, direction: 'incoming', limit: 10 });
    expect(incoming).toHaveLength(1);
  });

  it('stores a photo for the application and tells the bot its file id', async () => {
    const chat = 5003;
    const bytes = FILES.jpeg;
    double.addFile('photo-big', bytes);
    const photo = {
      update_id: (updateId += 1),
      message: {
        message_id: (messageId += 1),
        date: 0,
        chat: { id: chat, type: 'private' },
        from: user(chat),
        photo: [
          { file_id: 'photo-small', file_unique_id: 's', width: 90, height: 90, file_size: 10 },
          { file_id: 'photo-big', file_unique_id: 'b', width: 800, height: 800, file_size: bytes.length },
        ],
      },
    };
    await exchange(chat, [photo]);
    const conversation = await t().app.store.conversations.findByExternal('telegram', String(chat));
    const [incoming] = await t().app.store.messages.list(conversation?.id ?? '', { afterSeq: 0, direction: 'incoming', limit: 10 });
    const attachments = (incoming?.activity['attachments'] ?? []) as { contentType: string; content: { fileId: string } }[];
    expect(attachments[0]?.contentType).toBe('image/jpeg');
    const stored = await t().app.store.files.get(attachments[0]?.content.fileId ?? '');
    expect(stored?.bytes.equals(bytes)).toBe(true);
    expect(stored?.meta.conversationId).toBe(conversation?.id);
  });

  it('registers the menu commands and answers a voice note politely', async () => {
    expect(double.calls.filter((c) => c.method === 'setMyCommands').map((c) => (c.body['commands'] as { command: string }[]).map((x) => x.command))).toContainEqual([
      'start',
      'menu',
      'help',
      'language',
    ]);
    const chat = 5004;
    const voice = {
      update_id: (updateId += 1),
      message: { message_id: (messageId += 1), date: 0, chat: { id: chat, type: 'private' }, from: user(chat), voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } },
    };
    const replies = await exchange(chat, [voice]);
    expect(texts(replies).length).toBeGreaterThan(0);
  });
});

describe('typed answers on Telegram', () => {
  it('hints the expected form of an ID in the input field, where Telegram has no numeric keyboard', async () => {
    const chat = 5005;
    await exchange(chat, [textUpdate(chat, 'أبغى أقدم طلب دعم')]);
    await exchange(chat, [textUpdate(chat, 'أوافق')]);
    const afterName = await exchange(chat, [textUpdate(chat, 'سارة أحمد العتيبي')]);
    const askId = afterName.find((m) => (m['reply_markup'] as { force_reply?: boolean } | undefined)?.force_reply);
    expect(askId?.['reply_markup']).toEqual({ force_reply: true, input_field_placeholder: '10 أرقام تبدأ بـ 1 أو 2' });
    // A question with choices keeps its inline keyboard instead.
    const withKeyboard = afterName.filter((m) => (m['reply_markup'] as Keyboard | undefined)?.inline_keyboard);
    expect(withKeyboard.every((m) => !(m['reply_markup'] as { force_reply?: boolean }).force_reply)).toBe(true);
  });
});

describe('files on Telegram, typed by their bytes', () => {
  function documentUpdate(chatId: number, document: Record<string, unknown>, caption?: string) {
    return {
      update_id: (updateId += 1),
      message: { message_id: (messageId += 1), date: 0, chat: { id: chatId, type: 'private' }, from: user(chatId), document, ...(caption ? { caption } : {}) },
    };
  }

  async function incoming(chatId: number) {
    const conversation = await t().app.store.conversations.findByExternal('telegram', String(chatId));
    return t().app.store.messages.list(conversation?.id ?? '', { afterSeq: 0, direction: 'incoming', limit: 20 });
  }

  it('accepts a PDF sent as «scan.jpg» with image/jpeg, as the PDF it is', async () => {
    const chat = 5101;
    double.addFile('pdf-as-jpg', FILES.pdf);
    await exchange(chat, [documentUpdate(chat, { file_id: 'pdf-as-jpg', file_unique_id: 'p1', file_name: 'scan.jpg', mime_type: 'image/jpeg', file_size: FILES.pdf.length })]);
    const [message] = await incoming(chat);
    const attachment = (message?.activity['attachments'] as { contentType: string; name: string; content: { fileId: string } }[] | undefined)?.[0];
    expect(attachment).toMatchObject({ contentType: 'application/pdf', name: 'scan.jpg.pdf' });
    const stored = await t().app.store.files.get(attachment?.content.fileId ?? '');
    expect(stored?.meta.contentType).toBe('application/pdf');
    expect(stored?.bytes.equals(FILES.pdf)).toBe(true);
  });

  it('refuses a program or a web page declared as image/jpeg, says why, and keeps nothing', async () => {
    const chat = 5102;
    double.addFile('exe-as-jpg', FILES.exe);
    double.addFile('html-as-jpg', FILES.html);
    const exe = await exchange(chat, [documentUpdate(chat, { file_id: 'exe-as-jpg', file_unique_id: 'e1', file_name: 'photo.jpg', mime_type: 'image/jpeg', file_size: FILES.exe.length }, 'هويتي')]);
    expect(texts(exe)).toContain(REFUSED_TYPE_AR);
    const html = await exchange(chat, [documentUpdate(chat, { file_id: 'html-as-jpg', file_unique_id: 'h1', file_name: 'id.jpg', mime_type: 'image/jpeg' })]);
    expect(texts(html)).toContain(REFUSED_TYPE_AR);
    const messages = await incoming(chat);
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message.activity['attachments']).toBeUndefined();
      // The caption goes with its file, as on the web chat.
      expect(message.activity).toMatchObject({ text: '', channelData: { unsupported: true, fileRefused: 'file_type' } });
    }
  });

  it('refuses a file Telegram says is over 10 MB without downloading it', async () => {
    const chat = 5103;
    double.addFile('too-big', FILES.pdf);
    const replies = await exchange(chat, [documentUpdate(chat, { file_id: 'too-big', file_unique_id: 'b1', file_name: 'report.pdf', mime_type: 'application/pdf', file_size: 11 * 1024 * 1024 })]);
    expect(texts(replies)).toContain(REFUSED_SIZE_AR);
    expect(double.downloads).not.toContain('too-big');
    expect(double.calls.some((c) => c.method === 'getFile' && c.body['file_id'] === 'too-big')).toBe(false);
  });

  it('keeps the application where it was: the refused file is answered and the same question asked again', async () => {
    const chat = 5104;
    await exchange(chat, [textUpdate(chat, 'أبغى أقدم طلب دعم')]);
    await exchange(chat, [textUpdate(chat, 'أوافق')]);
    const askId = texts(await exchange(chat, [textUpdate(chat, 'سارة أحمد العتيبي')]));
    double.addFile('exe-mid-form', FILES.exe);
    const refused = await exchange(chat, [documentUpdate(chat, { file_id: 'exe-mid-form', file_unique_id: 'e2', file_name: 'id.jpg', mime_type: 'image/jpeg' })]);
    expect(texts(refused)).toContain(REFUSED_TYPE_AR);
    // The national ID question again, not the name question: the name is kept.
    expect(texts(refused)).toContain(askId.split('\n').at(-1) ?? '');
    const conversation = await t().app.store.conversations.findByExternal('telegram', String(chat));
    expect(JSON.stringify(conversation?.state)).toContain('سارة أحمد العتيبي');
  });
});
