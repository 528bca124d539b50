import type { Message } from 'telegraf/types';

/** What a Telegram message asks of the bot, before any file is downloaded. */
export type Inbound =
  | { kind: 'text'; text: string }
  | { kind: 'file'; fileId: string; name: string; contentType: string; size: number | undefined; caption: string | undefined }
  | { kind: 'unsupported' };

/**
 * The bot's menu commands and the words they stand for: the bot already understands these words at
 * any point, so a command is just a shortcut to typing them.
 */
export const COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  start: 'القائمة',
  menu: 'القائمة',
  help: 'مساعدة',
  language: 'language',
});

/** Files the application accepts, as on the web chat; other documents get the polite "please write". */
const ACCEPTED_FILES = /^(application\/pdf|image\/(jpeg|png|heic|heif|webp))$/;
/** The Bot API serves downloads up to 20 MB; the application keeps files up to 10 MB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export function classify(message: Message): Inbound {
  if ('text' in message) return { kind: 'text', text: commandWords(message.text) };
  if ('photo' in message) {
    const largest = message.photo.at(-1);
    if (!largest || (largest.file_size ?? 0) > MAX_FILE_BYTES) return { kind: 'unsupported' };
    return { kind: 'file', fileId: largest.file_id, name: `photo-${message.message_id}.jpg`, contentType: 'image/jpeg', size: largest.file_size, caption: message.caption };
  }
  if ('document' in message) {
    const { document } = message;
    const contentType = document.mime_type ?? 'application/octet-stream';
    if (!ACCEPTED_FILES.test(contentType) || (document.file_size ?? 0) > MAX_FILE_BYTES) return { kind: 'unsupported' };
    const name = (document.file_name ?? `document-${message.message_id}`).slice(0, 200);
    return { kind: 'file', fileId: document.file_id, name, contentType, size: document.file_size, caption: message.caption };
  }
  // Voice notes, stickers, locations, videos…: the bot asks politely for text.
  return { kind: 'unsupported' };
}

/** `/start`, `/menu@InjabBot` and the like become the words they stand for; other text is kept. */
function commandWords(text: string): string {
  const match = /^\/([A-Za-z0-9_]+)(?:@\w+)?(?:\s|$)/.exec(text);
  const words = match?.[1] ? COMMANDS[match[1].toLowerCase()] : undefined;
  return words ?? text;
}
