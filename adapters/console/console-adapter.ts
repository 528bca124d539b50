import type { Activity, ResourceResponse, TurnContext } from 'botbuilder-core';
import { ChannelAdapter, type ChannelCapabilities } from '../../src/channels/channel-adapter.js';

/**
 * A terminal channel for staff and developers (`npm run chat`). It shows no buttons, so choices
 * arrive as numbered lists and are answered with the number or the words.
 */
export class ConsoleAdapter extends ChannelAdapter {
  readonly channel = 'console';
  readonly capabilities: ChannelCapabilities = { maxActions: 0, maxActionTitle: 0, maxTextLength: 4000, typing: false };

  constructor(private readonly write: (line: string) => void) {
    super();
  }

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    for (const activity of activities) {
      if (activity.type === 'message' && activity.text) this.write(`\n🤖 ${activity.text}\n`);
    }
    return activities.map((a) => ({ id: a.id ?? '' }));
  }
}
