import { createTelegramChannel } from '../../adapters/telegram/telegram-channel.js';
import { createWhatsAppCloudChannel } from '../../adapters/whatsapp-cloud/whatsapp-cloud-channel.js';
import { createWhatsAppWebChannel } from '../../adapters/whatsapp-web/whatsapp-web-channel.js';
import type { ChannelDependencies, ChannelFactory, ChannelModule } from './channel-module.js';

/** The platform channels the bot knows; each returns null unless its configuration is set. */
const FACTORIES: ChannelFactory[] = [createTelegramChannel, createWhatsAppCloudChannel, (deps) => createWhatsAppWebChannel(deps)];

export function createChannels(deps: ChannelDependencies): ChannelModule[] {
  return FACTORIES.map((factory) => factory(deps)).filter((module): module is ChannelModule => module !== null);
}
