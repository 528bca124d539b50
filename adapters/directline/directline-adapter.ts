import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';

/**
 * The web chat channel. Its "wire" is the conversation's transcript: replies are written there by the
 * turn runner's outbound hook, and Direct Line clients read them with GET …/activities?watermark.
 * So sending only hands back the ids.
 */
export class DirectLineAdapter extends ChannelAdapter {
  readonly channel = 'webchat';
  readonly capabilities: ChannelCapabilities = { maxActions: 10, maxActionTitle: 60, maxTextLength: 4000, typing: true };
  override readonly transcriptIsWire = true;

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return activities.map((activity) => ({ id: activity.id ?? '' }));
  }
}
