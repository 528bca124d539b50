import type { Activity } from 'botbuilder-core';

/** WhatsApp's limits for interactive messages (Cloud API reference, "Interactive object"). */
const MAX_BUTTONS = 3;
const MAX_BUTTON_TITLE = 20;
const MAX_LIST_ROWS = 10;
const MAX_ROW_TITLE = 24;
const MAX_INTERACTIVE_BODY = 1024;
const MAX_REPLY_ID = 200;

/**
 * The Cloud API payload for one outgoing Activity, or null when there is nothing to show. Suggested
 * actions become reply buttons (up to 3 short titles), else a list (up to 10), else plain text — the
 * renderer has already put a numbered list in the text when the choices fit neither. Each reply id
 * is the title itself, so a tapped reply reads back as the same words the user could have typed.
 */
export function toWhatsAppMessage(activity: Partial<Activity>, to: string): Record<string, unknown> | null {
  const body = activity.text ?? '';
  const titles = uniqueTitles(activity);
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
  const interactive = body.length > 0 && body.length <= MAX_INTERACTIVE_BODY && titles.length > 0;
  if (interactive && titles.length <= MAX_BUTTONS && titles.every((t) => t.length <= MAX_BUTTON_TITLE)) {
    return {
      ...base,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: body },
        action: { buttons: titles.map((title) => ({ type: 'reply', reply: { id: title.slice(0, MAX_REPLY_ID), title } })) },
      },
    };
  }
  if (interactive && titles.length <= MAX_LIST_ROWS && titles.every((t) => t.length <= MAX_ROW_TITLE)) {
    return {
      ...base,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: body },
        action: {
          button: activity.locale?.startsWith('ar') ? 'اختر' : 'Choose',
          sections: [{ rows: titles.map((title) => ({ id: title.slice(0, MAX_REPLY_ID), title })) }],
        },
      },
    };
  }
  if (body.length === 0) return null;
  return { ...base, type: 'text', text: { body, preview_url: false } };
}

/** Action titles in order, without blanks or repeats (WhatsApp rejects two replies with one id). */
function uniqueTitles(activity: Partial<Activity>): string[] {
  const titles = (activity.suggestedActions?.actions ?? []).map((action) => (action.title || String(action.value ?? '')).trim());
  return [...new Set(titles.filter((title) => title.length > 0))];
}

/** WhatsApp's limit for one template body parameter, kept well under the 1,024-character body. */
const MAX_TEMPLATE_PARAMETER = 900;

export type TemplateChoice = { name: string; languageCode: string };

/**
 * The message as an approved template (for outside the 24-hour window): the template's single body
 * parameter carries the text. Parameters may not hold new lines, tabs or runs of spaces, so lines
 * are joined with " · "; choices, which a template cannot carry as buttons, are written out so the
 * reply can still be typed.
 */
export function toTemplateMessage(activity: Partial<Activity>, to: string, template: TemplateChoice): Record<string, unknown> | null {
  const lines = (activity.text ?? '').split(/\n+/).map((line) => line.replace(/\s+/g, ' ').trim());
  const titles = uniqueTitles(activity);
  if (titles.length > 0) lines.push(titles.map((title, i) => `${i + 1}) ${title}`).join(' / '));
  const text = lines.filter(Boolean).join(' · ');
  if (text.length === 0) return null;
  const clipped = text.length > MAX_TEMPLATE_PARAMETER ? `${text.slice(0, MAX_TEMPLATE_PARAMETER - 1)}…` : text;
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.languageCode },
      components: [{ type: 'body', parameters: [{ type: 'text', text: clipped }] }],
    },
  };
}
