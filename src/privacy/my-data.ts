/**
 * «بياناتي» / "my data": what the bot keeps about the contact of this conversation (and only that
 * contact), written in their language with identifying values masked — the right of access. Labels and
 * how to show each answer come from the application flow itself, so a new question is covered.
 */
import { fieldOf } from '../flows/answers.js';
import type { FlowSet, FlowStep } from '../flows/schema.js';
import type { I18n, Locale, MessageParams } from '../i18n/i18n.js';
import type { Store, SupportRequestRecord } from '../store/types.js';
import { maskMobile, maskName, maskNationalId } from './mask.js';

const APPLICATION_FLOW = 'support_request';
const KEY = 'privacy_rights.my_data';

type Writer = { line(key: string, params?: MessageParams): void; t(key: string, params?: MessageParams): string; date(value: Date): string };

/** The text of the answer to "my data" for `contactId`. */
export async function describeMyData(store: Store, contactId: string, options: { i18n: I18n; locale: Locale; flows: FlowSet }): Promise<string> {
  const { i18n, locale } = options;
  const lines: string[] = [];
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', calendar: 'gregory', numberingSystem: 'latn', timeZone: 'Asia/Riyadh' });
  const out: Writer = {
    t: (key, params) => i18n.t(locale, `${KEY}.${key}`, params),
    line: (key, params) => lines.push(i18n.t(locale, `${KEY}.${key}`, params)),
    date: (value) => dates.format(value),
  };
  const contact = await store.contacts.get(contactId);
  out.line('intro');
  if (contact?.consent) out.line('consent', { version: contact.consent.version, date: out.date(contact.consent.at) });
  else out.line('no_consent');
  if (contact?.displayName) out.line('display_name', { name: maskName(contact.displayName) });

  const steps = options.flows.get(APPLICATION_FLOW)?.steps ?? {};
  for (const request of await store.supportRequests.list({ contactId })) describeRequest(request, steps, out, i18n, locale);
  for (const booking of await store.bookings.list({ contactId })) {
    out.line('booking', { reference: booking.reference, kind: booking.kind, day: booking.day, status: booking.status });
  }
  for (const volunteer of await store.volunteers.list({ contactId })) out.line('volunteer', { status: volunteer.status, date: out.date(volunteer.createdAt) });
  for (const item of await store.feedback.list({ contactId })) out.line('feedback', { reference: item.reference, kind: item.kind, status: item.status });
  const surveys = await store.surveys.count({ contactId });
  if (surveys > 0) out.line('surveys', { count: surveys });
  const channels = [...new Set((await store.contacts.listChannels(contactId)).map((c) => out.t('channel_name', { channel: c.channel })))];
  if (channels.length > 0) out.line('channels', { channels: channels.join(i18n.t(locale, `${KEY}.separator`)) });
  out.line('footer');
  return lines.join('\n');
}

function describeRequest(request: SupportRequestRecord, steps: Record<string, FlowStep>, out: Writer, i18n: I18n, locale: Locale): void {
  const submitted = request.submittedAt ? out.date(request.submittedAt) : out.t('not_submitted');
  out.line('request', { reference: request.reference, status: request.status, submitted });
  for (const [id, step] of Object.entries(steps)) {
    const value = request.answers[fieldOf(id, step)];
    if (!step.label || value === undefined || value === null || value === '') continue;
    const label = i18n.t(locale, step.label);
    const shown = shownValue(step, value, i18n, locale);
    if (shown === null) out.line('answer_stored', { label });
    else out.line('answer', { label, value: shown });
  }
  if (request.documents.length > 0) {
    const kinds = [...new Set(request.documents.map((d) => (i18n.has(locale, `documents.kinds.${d.kind}`) ? i18n.t(locale, `documents.kinds.${d.kind}`) : d.kind)))];
    out.line('documents', { count: request.documents.length, kinds: kinds.join(i18n.t(locale, `${KEY}.separator`)) });
  }
}

/** An answer as it may be shown: masked identifiers, the city by name; null for "stored" (no value shown). */
function shownValue(step: FlowStep, value: unknown, i18n: I18n, locale: Locale): string | null {
  if (typeof value !== 'string') return null;
  if (step.input === 'nationalId') return maskNationalId(value);
  if (step.input === 'phone') return maskMobile(value);
  if (step.input === 'city') return i18n.has(locale, `cities.${value}`) ? i18n.t(locale, `cities.${value}`) : null;
  const isName = step.validators?.some((v) => (typeof v === 'string' ? v : v.name) === 'person_name') ?? false;
  return isName ? maskName(value) : null;
}
