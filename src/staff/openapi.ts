import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SUPPORT_REQUEST_STATUSES } from '../store/record-values.js';
import { newStaffBody, passwordResetBody, staffPatchBody } from './admin-routes.js';
import { passwordChangeBody } from './staff-auth.js';
import { noteBody } from './handoff-routes.js';
import { followUpDoneBody, MAX_REPORT_MONTHS } from './report-routes.js';
import { bookingMoveBody, bookingNoteBody } from './booking-routes.js';
import { volunteerStatusBody } from './volunteer-routes.js';
import { feedbackReplyBody } from './feedback-routes.js';
import { BOOKING_KINDS, BOOKING_STATUSES, FEEDBACK_KINDS, FEEDBACK_STATUSES, VOLUNTEER_STATUSES } from '../store/record-values.js';

type Operation = { method: 'get' | 'post' | 'patch' | 'delete'; path: string; summary: string; roles?: string; body?: z.ZodType; query?: Record<string, string> };

const error = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } } };
const page = { limit: 'integer 1–200 (default 50)', offset: 'integer ≥ 0' };

/** Every route of the staff API, as the console and API clients use it. */
const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/staff/api/session',
    summary:
      'Sign in; sets the session cookie (ends 8 h after its last use, and at the latest `STAFF_SESSION_MAX_AGE_MS` after sign-in). 429 `TooManyAttempts` after 5 wrong passwords on the account (15 minutes), 429 `TooManyAttemptsFromAddress` with `Retry-After` after `STAFF_SIGNIN_FAILURES_PER_ADDRESS` failed sign-ins from one address in `STAFF_SIGNIN_WINDOW_MS`',
    body: z.object({ email: z.string(), password: z.string() }),
  },
  { method: 'delete', path: '/staff/api/session', summary: 'Sign out' },
  { method: 'get', path: '/staff/api/me', summary: 'The signed-in staff member: `{id, email, role, displayName, active}`' },
  {
    method: 'post',
    path: '/staff/api/me/password',
    summary: 'Change one’s own password (204): every other session of the account ends, this one gets a fresh cookie. 403 `WrongPassword` when the current password is wrong',
    body: passwordChangeBody,
  },
  {
    method: 'get',
    path: '/staff/api/handoffs',
    summary:
      'Conversations waiting for or with a person, urgent waiting ones first, then oldest waiting first (the view is audited with the ids): `{items: [{id, conversationId, channel, status: waiting | active | resolved, reason, urgent, createdAt, claimedAt, resolvedAt, assignee: {id, displayName} | null, waitSeconds, contact: {id, displayName} | null}], limit, offset}`; `urgent` is true for an open handoff raised for severe distress',
    query: { status: 'waiting | active | resolved', mine: 'true: assigned to me', ...page },
  },
  { method: 'get', path: '/staff/api/handoffs/{id}', summary: 'One handoff as listed (with `urgent`), the whole transcript `messages: [{seq, direction, author, private, text, attachments: [{name, contentType, fileId}], delivery, createdAt, withheld?}]` (private notes marked `private: true`; outgoing messages with `delivery: {state: pending | sent | delivered | read | failed, at, error}` or null; medical answers typed in the chat come as `withheld: true` without text or files unless the caller is the assignee or an admin) and the contact’s support requests as listed (audited)' },
  { method: 'post', path: '/staff/api/handoffs/{id}/claim', summary: 'Take the conversation (officer/admin may take it over with force)', body: z.object({ force: z.boolean().optional() }) },
  { method: 'post', path: '/staff/api/handoffs/{id}/messages', summary: 'Reply to the beneficiary on their channel (queued, retried)', body: z.object({ text: z.string().min(1).max(4000) }) },
  { method: 'post', path: '/staff/api/handoffs/{id}/notes', summary: 'Add a private note to the transcript for colleagues; never sent to the beneficiary (201)', body: noteBody },
  { method: 'post', path: '/staff/api/handoffs/{id}/assign', summary: 'Give the conversation to a named colleague', roles: 'officer, admin', body: z.object({ staffId: z.string() }) },
  { method: 'post', path: '/staff/api/handoffs/{id}/release', summary: 'Give the conversation back to the bot; the beneficiary is told' },
  { method: 'post', path: '/staff/api/handoffs/{id}/resolve', summary: 'Resolve; the beneficiary is told and the bot answers again' },
  {
    method: 'get',
    path: '/staff/api/requests',
    summary: 'Support requests, newest first: `{items: [{id, reference, status, channel, submittedAt, updatedAt, documentsMissing, registrationCompletedAt, overdue}], limit, offset}`; `overdue` past two weeks without a decision',
    query: { status: SUPPORT_REQUEST_STATUSES.join(' | '), ...page },
  },
  {
    method: 'get',
    path: '/staff/api/requests/{id}',
    summary:
      'One request as listed, with `answers`, `declaration`, `documents: [{kind, fileId, name, contentType, size, receivedAt}]`, `statusNote`, `nextStatuses` and `withheld` (audited). Medical answers and documents are for the researcher assigned to the beneficiary and admins: for anyone else each such answer is `{withheld: true}`, each such document `{kind, receivedAt, withheld: true}`, and `withheld` names them (`{answers, documents}`; null when nothing is withheld)',
  },
  { method: 'get', path: '/staff/api/requests/{id}/documents/{fileId}', summary: 'A document of the request (audited); a medical one answers 403 `Withheld` to anyone but the assigned researcher and admins (the refusal audited)' },
  { method: 'post', path: '/staff/api/requests/{id}/status', summary: 'Change the status; the beneficiary is told', body: z.object({ status: z.enum(SUPPORT_REQUEST_STATUSES), note: z.string().max(1000).optional() }) },
  { method: 'get', path: '/staff/api/events', summary: 'Live updates (Server-Sent Events): handoffs, request statuses, surveys, bookings, volunteers and feedback; ids only' },
  { method: 'get', path: '/staff/api/staff', summary: 'Staff accounts', roles: 'admin', query: page },
  { method: 'post', path: '/staff/api/staff', summary: 'Create a staff account', roles: 'admin', body: newStaffBody },
  { method: 'patch', path: '/staff/api/staff/{id}', summary: 'Change role, name or active; deactivating or changing the role ends every session of the account', roles: 'admin', body: staffPatchBody },
  { method: 'post', path: '/staff/api/staff/{id}/password', summary: 'Set a new password for a colleague (204); every session of the account ends', roles: 'admin', body: passwordResetBody },
  { method: 'get', path: '/staff/api/audit', summary: 'The audit log, newest first', roles: 'admin', query: page },
  {
    method: 'get',
    path: '/staff/api/channels',
    summary:
      'Each channel’s connection state (`webchat` and the configured ones): `{items: [{channel, state, since, detail?, qrSvg?}]}`; state is connecting | pairing | connected | disconnected | standby | polling | webhook | unknown. While WhatsApp Web is pairing, `qrSvg` is its QR as SVG (each QR shown is audited)',
    roles: 'admin',
  },
  {
    method: 'get',
    path: '/staff/api/reports/satisfaction',
    summary:
      'Satisfaction surveys sent in a period of Asia/Riyadh months (audited): `{from, to, overall, byMonth: [{month, …}], byChannel: [{channel, …}], byStaff: [{staffId, displayName, …}], byMilestone: [{milestone: handoff | decision | service, …}]}`, each with `{sent, answered, responseRate (0–1, 2 decimals), average (1 decimal or null), distribution: [n1, n2, n3, n4, n5]}`. Counts only: no comments, no contacts. `staffId` null: surveys nobody was responsible for',
    roles: 'officer, admin',
    query: { from: `YYYY-MM (default: five months before \`to\`; at most ${MAX_REPORT_MONTHS} months in all)`, to: 'YYYY-MM (default: the current Riyadh month)' },
  },
  {
    method: 'get',
    path: '/staff/api/followups',
    summary:
      'Low ratings a supervisor follows up, newest sent first (audited, with the beneficiary’s comment): `{items: [{surveyId, rating, comment, milestone, channel, staffId, staffName, sentAt, answeredAt, conversationId, followUp: {state, openedAt, doneBy, doneAt, note}, doneByName}], total, state, limit, offset}`',
    roles: 'officer, admin',
    query: { state: 'open (default) | done', ...page },
  },
  {
    method: 'post',
    path: '/staff/api/surveys/{id}/follow-up',
    summary: 'Close an open follow-up with a note (audited without the note); answers the follow-up as listed. 404 when the survey has no follow-up, 409 when it is closed already',
    roles: 'officer, admin',
    body: followUpDoneBody,
  },
  {
    method: 'get',
    path: '/staff/api/bookings',
    summary:
      'Interviews and callbacks, soonest first: `{items: [{id, reference, kind, status, channel, day, window, dayLabel: {ar, en}, windowLabel: {ar, en}, conversationId, createdAt, updatedAt}], limit, offset}`; the labels give the day in the Gregorian and Hijri (Umm al-Qura) calendars',
    query: { status: BOOKING_STATUSES.join(' | '), kind: BOOKING_KINDS.join(' | '), from: 'YYYY-MM-DD (inclusive)', to: 'YYYY-MM-DD (inclusive)', ...page },
  },
  {
    method: 'get',
    path: '/staff/api/bookings/calendar',
    summary:
      'The bookable days ahead (working days, no holidays) with each window’s active bookings: `{capacity, windows: [{id, label: {ar, en}}], days: [{day, label: {ar, en}, windows: [{id, booked, free}]}]}`',
    query: { from: 'YYYY-MM-DD: only days from this one' },
  },
  { method: 'get', path: '/staff/api/bookings/{id}', summary: 'One booking with `staffNote`, `nextActions` (confirm | move | cancel | done), the contact and, for a callback, `phone` (audited)' },
  { method: 'post', path: '/staff/api/bookings/{id}/confirm', summary: 'Confirm a requested booking; the beneficiary is told (with the note). 409 InvalidTransition otherwise', body: bookingNoteBody },
  {
    method: 'post',
    path: '/staff/api/bookings/{id}/move',
    summary: 'Move an active booking to a bookable day and a configured window (400 otherwise; 409 Full when the window has no place); the reminder follows and the beneficiary is told the new time',
    body: bookingMoveBody,
  },
  { method: 'post', path: '/staff/api/bookings/{id}/cancel', summary: 'Cancel an active booking: its place is freed, its reminder dropped, the beneficiary told (with the note)', body: bookingNoteBody },
  { method: 'post', path: '/staff/api/bookings/{id}/done', summary: 'Mark an active booking done (its place freed, its reminder dropped); the beneficiary is not messaged' },
  {
    method: 'get',
    path: '/staff/api/volunteers',
    summary:
      'Volunteers, newest first (the view is audited with the ids): `{items: [{id, name, city, cityLabel: {ar, en}, field, fieldDetails, availability, status, staffNote, channel, createdAt, updatedAt, nextStatuses}], total, limit, offset}`',
    roles: 'officer, admin',
    query: { status: VOLUNTEER_STATUSES.join(' | '), ...page },
  },
  { method: 'get', path: '/staff/api/volunteers/{id}', summary: 'One volunteer with the phone number (audited)', roles: 'officer, admin' },
  {
    method: 'post',
    path: '/staff/api/volunteers/{id}/status',
    summary:
      'Move the application on (new → contacted | active | declined; contacted → active | declined; active → declined; declined → contacted; 409 otherwise) with the team’s note; the volunteer is told politely. The same status saves the note only',
    roles: 'officer, admin',
    body: volunteerStatusBody,
  },
  {
    method: 'get',
    path: '/staff/api/feedback',
    summary:
      'Suggestions and complaints, open complaints first then newest, without their text: `{items: [{id, reference, kind, category, status, channel, createdAt, repliedAt}], total, openComplaints, openSuggestions, limit, offset}`',
    query: { kind: FEEDBACK_KINDS.join(' | '), status: FEEDBACK_STATUSES.join(' | '), ...page },
  },
  { method: 'get', path: '/staff/api/feedback/{id}', summary: 'One suggestion or complaint with the beneficiary’s text and the reply (`reply, repliedBy, repliedByName, repliedAt`) (audited)' },
  {
    method: 'post',
    path: '/staff/api/feedback/{id}/reply',
    summary: 'Answer: the reply reaches the beneficiary on their channel as the staff member’s message, and the item is answered (audited without the text). 409 AlreadyAnswered',
    roles: 'officer, admin',
    body: feedbackReplyBody,
  },
];

/** The OpenAPI 3.1 document of the staff API, with request bodies from the same zod schemas the routes check. */
export function staffOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries(op.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
    const secured = op.path !== '/staff/api/session' || op.method !== 'post';
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.roles ? { description: `Role: ${op.roles}.` } : {}),
      ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(op.body) } } } } : {}),
      ...(secured ? { security: [{ session: [] }] } : {}),
      responses: {
        '200': { description: 'OK (lists answer `{items: [...]}`)' },
        '400': { description: 'Bad request', content: { 'application/json': { schema: error } } },
        ...(secured ? { '401': { description: 'No session' }, '403': { description: 'Role not allowed, or another origin' } } : {}),
        ...(secured ? {} : { '429': { description: 'Too many failed sign-ins (the account, or this address: see `Retry-After`)', content: { 'application/json': { schema: error } } } }),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Injab Bot staff API', version: '1', description: 'JSON; a session cookie for everything but signing in; state-changing requests must carry this server’s Origin.' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'injab_staff' } } },
    paths,
  };
}

export async function openApiRoute(app: FastifyInstance): Promise<void> {
  const document = staffOpenApi();
  app.get('/staff/api/openapi.json', async () => document);
}
