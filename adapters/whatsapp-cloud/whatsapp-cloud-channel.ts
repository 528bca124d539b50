import type { ChannelDependencies, ChannelModule } from '../../src/channels/channel-module.js';
import { channelStatusReporter } from '../../src/channels/channel-status.js';
import { GraphClient } from './graph-client.js';
import { WhatsAppCloudAdapter } from './whatsapp-cloud-adapter.js';
import { whatsAppCloudRoutes } from './whatsapp-cloud-routes.js';

/**
 * WhatsApp through Meta's Cloud API, when `WHATSAPP_CLOUD_TOKEN`, `WHATSAPP_PHONE_NUMBER_ID`,
 * `WHATSAPP_APP_SECRET` and `WHATSAPP_VERIFY_TOKEN` are all set; otherwise null (not configured).
 * Meta calls the webhook, so there is nothing to start or stop.
 *
 * @example
 * const FACTORIES: ChannelFactory[] = [createWhatsAppCloudChannel];
 */
export function createWhatsAppCloudChannel(deps: ChannelDependencies): ChannelModule | null {
  const { token, phoneNumberId, appSecret, verifyToken, graphUrl } = deps.config.whatsappCloud;
  if (!token || !phoneNumberId || !appSecret || !verifyToken) return null;
  const logger = deps.logger.child({ channel: 'whatsapp' });
  const graph = new GraphClient({ graphUrl, token, phoneNumberId });
  const { templateName, templateLanguages, messagesPerSecond } = deps.config.whatsappCloud;
  const adapter = new WhatsAppCloudAdapter({
    graph,
    store: deps.store,
    logger,
    template: templateName ? { name: templateName, languages: templateLanguages } : undefined,
    messagesPerSecond,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    adapter,
    routes: (app) =>
      whatsAppCloudRoutes(app, { store: deps.store, runner: deps.runner, graph, logger, channel: adapter.channel, appSecret, verifyToken }),
    async start() {
      // Meta calls us; "webhook" says the route is up, not that Meta has delivered anything yet.
      await channelStatusReporter(deps.statusBoard, adapter.channel, logger)('webhook');
    },
    async stop() {},
  };
}
