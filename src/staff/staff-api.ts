import type { FastifyInstance } from 'fastify';
import type { FollowUps } from '../followups/followups.js';
import type { I18n } from '../i18n/i18n.js';
import type { OutboundQueue } from '../queues/outbound-queue.js';
import type { BookingCalendar } from '../services/booking-calendar.js';
import { StaffApiError } from './staff-api-error.js';
import { staffAuthRoutes, type StaffAuthDependencies } from './staff-auth.js';
import type { StaffEvents } from './staff-events.js';
import { requestRoutes } from './request-routes.js';
import { handoffRoutes } from './handoff-routes.js';
import { eventsRoute } from './events-route.js';
import { adminRoutes } from './admin-routes.js';
import { assignRoute } from './assign-route.js';
import { channelRoutes, type ChannelStatusSource } from './channel-routes.js';
import { reportRoutes } from './report-routes.js';
import { bookingRoutes } from './booking-routes.js';
import { volunteerRoutes } from './volunteer-routes.js';
import { feedbackRoutes } from './feedback-routes.js';
import { openApiRoute } from './openapi.js';

export type StaffApiDependencies = StaffAuthDependencies & {
  /** Live updates for the console (SSE), shared by every web process through Redis. */
  events: StaffEvents;
  /** Staff replies and notifications reach beneficiaries through the outbound queue. */
  outbound: OutboundQueue;
  /** Surveys after a resolved handoff or a decision. */
  followUps: FollowUps;
  i18n: I18n;
  /** The channels' connection states for the admins' Channels view. */
  channelStatus: ChannelStatusSource;
  /** The booking days and windows (`config.booking`): which day and window a booking may move to. */
  calendar: BookingCalendar;
  /** The clock for "which days are bookable"; default `Date.now` (tests pass their own). */
  now?: () => number;
};

/**
 * The staff API under `/staff/api`: JSON in and out, `{error: {code, message}}` on failure, a
 * session for everything but signing in, and every state-changing request checked to come from
 * this server's own origin (SameSite cookies plus an Origin check: the CSRF defence with no token
 * to fetch). Route modules register inside this one scope.
 */
export async function staffApi(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  app.decorateRequest('staff', null);
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof StaffApiError) return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    throw error;
  });
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/staff/api/') || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method)) return;
    const own = `${request.protocol}://${request.headers.host ?? ''}`;
    if (request.headers.origin !== own) throw new StaffApiError(403, 'ForbiddenOrigin', 'The request must come from this server (send an Origin header).');
  });
  // The console is a static page under /staff/; the bare address leads there.
  app.get('/staff', async (_request, reply) => reply.redirect('/staff/'));
  await staffAuthRoutes(app, deps);
  await requestRoutes(app, deps);
  await handoffRoutes(app, deps);
  await eventsRoute(app, deps);
  await assignRoute(app, deps);
  await adminRoutes(app, deps);
  await channelRoutes(app, deps);
  await reportRoutes(app, deps);
  await bookingRoutes(app, deps);
  await volunteerRoutes(app, deps);
  await feedbackRoutes(app, deps);
  await openApiRoute(app);
}
