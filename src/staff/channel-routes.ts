import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { ChannelStatus, ChannelStatusBoard, UnknownChannelStatus } from '../channels/channel-status.js';
import type { StaffUserRecord } from '../store/types.js';
import type { StaffApiDependencies } from './staff-api.js';
import { requireStaff } from './staff-auth.js';

/** Where the Channels view reads from: the shared status board and the channels this app has configured. */
export type ChannelStatusSource = {
  board: ChannelStatusBoard;
  /** Channel ids of the configured platform channels (`telegram`, `whatsapp`, `whatsapp-web`…). */
  channels: readonly string[];
};

/** One card of the Channels view. The pairing QR arrives as an SVG picture only, never as its payload. */
export type ChannelView = {
  channel: string;
  state: ChannelStatus['state'] | UnknownChannelStatus['state'];
  since?: string;
  detail?: string;
  qrSvg?: string;
};

/** The web chat is served by this process itself; it is up whenever this answers. */
const WEBCHAT = 'webchat';
/** A staff member looking at the same QR for this long (it is polled every few seconds) is one view. */
const QR_VIEW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED_VIEWS = 1000;

/**
 * `GET /staff/api/channels` (admins): every configured channel's connection state, for the console's
 * Channels view. While WhatsApp Web waits to be linked, its QR is rendered here as SVG; each QR an
 * admin is shown is audited once (`channel.qr_viewed`), not every poll.
 */
export async function channelRoutes(app: FastifyInstance, deps: StaffApiDependencies): Promise<void> {
  const { board, channels } = deps.channelStatus;
  const startedAt = new Date().toISOString();
  const viewed = new Map<string, number>();

  /** True the first time (within QR_VIEW_MS) this staff member is shown this QR. */
  const firstView = (staffId: string, qr: string): boolean => {
    const now = Date.now();
    for (const [key, at] of viewed) if (now - at > QR_VIEW_MS || viewed.size > MAX_REMEMBERED_VIEWS) viewed.delete(key);
    const key = `${staffId}:${crypto.createHash('sha256').update(qr).digest('hex')}`;
    if (viewed.has(key)) return false;
    viewed.set(key, now);
    return true;
  };

  app.get('/staff/api/channels', { preHandler: requireStaff(deps, 'admin') }, async (request, reply) => {
    const staff = request.staff as StaffUserRecord;
    const statuses = await board.list(channels.filter((channel) => channel !== WEBCHAT));
    const items: ChannelView[] = [{ channel: WEBCHAT, state: 'connected', since: startedAt }];
    for (const status of statuses) {
      if (status.state === 'unknown') {
        items.push({ channel: status.channel, state: 'unknown' });
        continue;
      }
      const { qr, ...shown } = status;
      if (!qr) {
        items.push(shown);
        continue;
      }
      if (firstView(staff.id, qr)) {
        await deps.store.audit.record({ actor: `staff:${staff.id}`, action: 'channel.qr_viewed', subjectType: 'channel', subjectId: status.channel, details: {} });
      }
      items.push({ ...shown, qrSvg: await QRCode.toString(qr, { type: 'svg', margin: 1 }) });
    }
    // The QR links a phone to the association's WhatsApp: no cache keeps it.
    reply.header('cache-control', 'no-store');
    return { items };
  });
}
