import type { Activity, CardAction } from 'botbuilder-core';
import type { ChannelCapabilities } from '../channels/channel-adapter.js';
import type { Effect, SummaryItem } from '../flows/engine-types.js';
import type { I18n, Locale, MessageParams } from '../i18n/i18n.js';
import { formatSaudiMobile } from '../text/saudi-mobile.js';

/** A reply that is not a flow effect: a fixed message, optionally with channelData (FAQ scores). */
export type Reply =
  | Extract<Effect, { type: 'say' | 'ask' | 'setLocale' | 'summary' }>
  | { type: 'text'; text: string; channelData?: Record<string, unknown> }
  | { type: 'channelData'; channelData: Record<string, unknown> }
  /**
   * A message with ready-made button labels (knowledge titles for "did you mean") and offers (locale
   * keys of command words: talk to a person, main menu); without buttons the options become a numbered list.
   */
  | { type: 'suggest'; key: string; options: string[]; offers: string[]; channelData: Record<string, unknown> };

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
      case 'summary':
        draft.parts.push(reply.items.map((item) => t('form.summary_line', { label: t(item.label, {}), value: displayValue(item, i18n, locale) })).join('\n'));
        break;
      case 'suggest': {
        const offers = reply.offers.map((key) => t(key, {}));
        const all = [...reply.options, ...offers];
        const asButtons = all.length <= capabilities.maxActions && all.every((l) => l.length <= capabilities.maxActionTitle);
        draft.parts.push(asButtons || reply.options.length === 0 ? t(reply.key, {}) : numbered(t(reply.key, {}), reply.options));
        Object.assign(draft.channelData, reply.channelData);
        const actions: CardAction[] = (asButtons ? all : []).map((label) => ({ type: 'imBack', title: label, value: label }));
        flush(actions.length ? { suggestedActions: { to: [], actions } } : {});
        break;
      }
      case 'ask': {
        const labels = choiceLabels(reply, (key) => t(key, {}));
        const offers = (reply.offers ?? []).map((key) => t(key, {}));
        const fits = (list: string[]) => list.length <= capabilities.maxActions && list.every((l) => l.length <= capabilities.maxActionTitle);
        const asButtons = labels.length > 0 && fits([...labels, ...offers]);
        draft.parts.push(asButtons || labels.length === 0 ? t(reply.key, reply.params) : numbered(t(reply.key, reply.params), labels));
        // Offers (stop, talk to a person) are buttons only; their words also work typed, and the message names them.
        const buttons = [...(asButtons ? labels : []), ...(fits(offers) && (asButtons || labels.length === 0) ? offers : [])];
        const actions: CardAction[] = buttons.map((label) => ({ type: 'imBack', title: label, value: label }));
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

/** How an answer reads in the summary: labels for choices, the city's name, 05X XXX XXXX for a mobile. */
function displayValue(item: SummaryItem, i18n: I18n, locale: Locale): string {
  const { value } = item;
  if (value === null || value === undefined) return i18n.t(locale, 'form.summary_skipped');
  switch (item.inputType) {
    case 'choice':
      return item.choiceLabel ? i18n.t(locale, item.choiceLabel) : String(value);
    case 'yesNo':
      return i18n.t(locale, value === true ? 'inputs.yes_label' : 'inputs.no_label');
    case 'phone':
      return formatSaudiMobile(String(value));
    case 'city':
      return i18n.has(locale, `cities.${String(value)}`) ? i18n.t(locale, `cities.${String(value)}`) : String(value);
    case 'number':
      return typeof value === 'number' ? new Intl.NumberFormat(locale, { numberingSystem: 'latn', maximumFractionDigits: 2 }).format(value) : String(value);
    case 'attachment':
      return i18n.t(locale, 'form.summary_files', { count: Array.isArray(value) ? value.length : 0 });
    default:
      return String(value);
  }
}

/** Labels to offer for a question: its choices, or yes/no for a yes-no question. */
function choiceLabels(ask: Extract<Effect, { type: 'ask' }>, t: (key: string) => string): string[] {
  if (ask.inputType === 'yesNo') return [t('inputs.yes_label'), t('inputs.no_label')];
  return ask.choices.map((c) => c.text ?? t(c.label));
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
