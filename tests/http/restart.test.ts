import { afterAll, describe, expect, it } from 'vitest';
import { allText, DirectLineClient } from '../helpers/directline-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir } from '../helpers/test-app.js';

const dataDir = tempDir('restart');
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await clearRedisPrefix(prefix);
  removeDir(dataDir);
});

describe('restart continuity', () => {
  it('continues a conversation after a restart on the same data folder, still in English', async () => {
    const first = await startTestApp({ dataDir });
    prefixes.push(first.prefix);
    const dl = await DirectLineClient.start(first.url);
    await dl.say('السلام عليكم');
    await dl.say('English');
    const before = (await (await dl.get('0')).json()) as { activities: unknown[]; watermark: string };
    await first.stop();

    const second = await startTestApp({ dataDir });
    prefixes.push(second.prefix);
    try {
      const again = DirectLineClient.resume(second.url, dl.conversationId, dl.token);
      const history = (await (await again.get('0')).json()) as { activities: unknown[]; watermark: string };
      expect(history).toEqual(before);
      again.watermark = history.watermark;
      // The menu question was open before the restart; its answer is understood after it, in English.
      const replies = await again.say('6');
      expect(allText(replies)).toMatch(/licence no\. 2092/);
      expect(replies.at(-1)?.locale).toBe('en');
    } finally {
      await second.stop();
    }
  });
});
