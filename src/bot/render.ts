import type { Activity, CardAction } from 'botbuilder-core';
import type { ChannelCapabilities } from '../channels/channel-adapter.js';
import type { Effect } from '../flows/engine-types.js';
import type { I18n, Locale, MessageParams } from '../i18n/i18n.js';

/** A reply that is not a flow effect: a fixed message, optionally with channelData (FAQ scores). */
export type Reply =
  | Extract<Effect, { type: 'say' | 'ask' | 'setLocale' }>
  | { type: 'text'; text: string; channelData?: Record<string, unknown> }
  | { type: 'channelData'; channelData: Record<string, unknown> };

type Draft = { parts: string[]; channelData: Record<string, unknown> };

/**
 * Turns what the bot wants to say into Activities for one channel. Consecutive texts of a turn
 * become one message (fewer notifications on a phone); a question carries its choices as
 * suggested actions when the channel can show them, else as a numbered list, plus
 * `channelData.field` and `channelData.inputType` so clients can adapt their keyboard.
 */
export function renderReplies(
  replies: readonly Reply[],
  options: { i18n: I18n; locale: Locale; capabilities: ChannelCapabilities },
): Partial<Activity>[] {
  const { i18n, capabilities } = options;
  let locale = options.locale;
  const out: Partial<Activity>[] = [];
  let draft: Draft = { parts: [], channelData: {} };
  const flush = (extra: Partial<Activity> = {}) => {
    if (draft.parts.length === 0 && !extra.suggestedActions) return;
    for (const text of splitText(draft.parts.join('\n\n'), capabilities.maxTextLength)) {
      out.push({ type: 'message', locale, text, ...(Object.keys(draft.channelData).length ? { channelData: draft.channelData } : {}) });
    }
    const last = out.at(-1);
    if (last) {
      const channelData = { ...(last.channelData as object | undefined), ...(extra.channelData as object | undefined) };
      Object.assign(last, extra, Object.keys(channelData).length > 0 ? { channelData } : {});
    }
    draft = { parts: [], channelData: {} };
  };
  const t = (key: string, params: MessageParams) => i18n.t(locale, key, params);

  for (const reply of replies) {
    switch (reply.type) {
      case 'setLocale':
        flush();
        locale = reply.locale;
        break;
      case 'say':
        draft.parts.push(t(reply.key, reply.params));
        break;
      case 'text':
        draft.parts.push(reply.text);
        Object.assign(draft.channelData, reply.channelData);
        break;
      case 'channelData':
        Object.assign(draft.channelData, reply.channelData);
        break;
      case 'ask': {
        const labels = choiceLabels(reply, (key) => t(key, {}));
        const asButtons = labels.length > 0 && labels.length <= capabilities.maxActions && labels.every((l) => l.length <= capabilities.maxActionTitle);
        draft.parts.push(asButtons || labels.length === 0 ? t(reply.key, reply.params) : numbered(t(reply.key, reply.params), labels));
        const actions: CardAction[] = asButtons ? labels.map((label) => ({ type: 'imBack', title: label, value: label })) : [];
        flush({
          inputHint: 'expectingInput',
          channelData: { field: reply.field, inputType: reply.inputType, ...(labels.length ? { choices: labels } : {}) },
          ...(actions.length ? { suggestedActions: { to: [], actions } } : {}),
        });
        break;
      }
    }
  }
  flush();
  return out;
}

/** Labels to offer for a question: its choices, or yes/no for a yes-no question. */
function choiceLabels(ask: Extract<Effect, { type: 'ask' }>, t: (key: string) => string): string[] {
  if (ask.inputType === 'yesNo') return [t('inputs.yes_label'), t('inputs.no_label')];
  return ask.choices.map((c) => t(c.label));
}

function numbered(question: string, labels: string[]): string {
  return `${question}\n${labels.map((label, i) => `${i + 1}. ${label}`).join('\n')}`;
}

/** Splits at paragraph, then line, then space boundaries so no message passes the channel's limit. */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    // The first kind of boundary found in the second half of the window wins: paragraph, line, space.
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i > max / 2);
    const at = cut ?? max;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
