import type { Message } from 'telegraf/types';
import { MAX_FILE_BYTES, type FileRefusal } from '../../src/security/file-type.js';

/**
 * What a Telegram message asks of the bot, before any file is downloaded. A file's type is not
 * decided here (its bytes decide, once downloaded); only a size Telegram states refuses it early.
 */
export type Inbound =
  | { kind: 'text'; text: string }
  | { kind: 'file'; fileId: string; name: string; size: number | undefined; caption: string | undefined }
  | { kind: 'refused'; refusal: FileRefusal }
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

/** The application keeps files up to 10 MB (the Bot API would serve up to 20 MB). */
export { MAX_FILE_BYTES };

export function classify(message: Message): Inbound {
  if ('text' in message) return { kind: 'text', text: commandWords(message.text) };
  if ('photo' in message) {
    const largest = message.photo.at(-1);
    if (!largest) return { kind: 'unsupported' };
    if ((largest.file_size ?? 0) > MAX_FILE_BYTES) return { kind: 'refused', refusal: 'file_too_large' };
    return { kind: 'file', fileId: largest.file_id, name: `photo-${message.message_id}.jpg`, size: largest.file_size, caption: message.caption };
  }
  if ('document' in message) {
    const { document } = message;
    // `mime_type` and `file_name` are the sender's word: any document is fetched and typed by its bytes.
    if ((document.file_size ?? 0) > MAX_FILE_BYTES) return { kind: 'refused', refusal: 'file_too_large' };
    const name = (document.file_name ?? `document-${message.message_id}`).slice(0, 200);
    return { kind: 'file', fileId: document.file_id, name, size: document.file_size, caption: message.caption };
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
