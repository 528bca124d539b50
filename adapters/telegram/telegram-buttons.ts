import type { CardAction } from 'botbuilder-core';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';

/** Telegram's limit on `callback_data`, in UTF-8 bytes. */
const MAX_CALLBACK_BYTES = 64;

/**
 * Suggested actions as an inline keyboard, one button per row (Arabic labels are long). A button
 * carries its value when it fits in 64 bytes (`v:<value>`), else its position (`i:<n>`), read back
 * from the keyboard of the message the button belongs to — so nothing is kept in memory and any
 * process can answer the press.
 */
export function inlineKeyboard(actions: readonly CardAction[]): InlineKeyboardMarkup {
  return {
    inline_keyboard: actions.map((action, index): InlineKeyboardButton[] => {
      const value = typeof action.value === 'string' ? action.value : action.title;
      const byValue = `v:${value}`;
      const callback_data = Buffer.byteLength(byValue, 'utf8') <= MAX_CALLBACK_BYTES ? byValue : `i:${index}`;
      return [{ text: action.title, callback_data }];
    }),
  };
}

/** The value a pressed button stands for; null when it cannot be told (an old or foreign button). */
export function buttonValue(data: string, keyboard: InlineKeyboardMarkup | undefined): string | null {
  if (data.startsWith('v:')) return data.slice(2);
  if (!data.startsWith('i:')) return null;
  const index = Number.parseInt(data.slice(2), 10);
  const button = keyboard?.inline_keyboard.flat()[index];
  return button?.text ?? null;
}
