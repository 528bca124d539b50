import { describe, expect, it } from 'vitest';
import { allText, DirectLineClient, lastText } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

describe('health', () => {
  it('answers /healthz and /readyz with the store and Redis reachable', async () => {
    expect((await fetch(`${t().url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t().url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'ok', redis: 'ok' });
  });
});

describe('a Direct Line conversation', () => {
  it('greets "السلام عليكم" in Arabic with at least three suggested actions', async () => {
    const dl = await DirectLineClient.start(t().url);
    const replies = await dl.say('السلام عليكم');
    const last = replies.at(-1);
    expect(allText(replies)).toContain('وعليكم السلام');
    expect(last?.locale).toBe('ar');
    expect(last?.suggestedActions?.actions.length).toBeGreaterThanOrEqual(3);
    for (const action of last?.suggestedActions?.actions ?? []) {
      expect(action).toMatchObject({ type: 'imBack' });
      expect(action.value).toBe(action.title);
    }
    expect(last?.channelData).toMatchObject({ field: 'menu_choice', inputType: 'choice' });
  });

  it('switches to English on "English" and stays English', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('السلام عليكم');
    const switched = await dl.say('English');
    expect(allText(switched)).toMatch(/Switched to English/);
    expect(switched.at(-1)?.locale).toBe('en');
    const next = await dl.say('6');
    expect(allText(next)).toMatch(/licence no\. 2092/);
  });

  it('returns the user\'s own activities in the stream, in order, with the bot\'s after them', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    await dl.say('2');
    const res = await dl.get('0');
    const { activities } = (await res.json()) as { activities: { from: { role: string }; text: string }[] };
    const roles = activities.map((a) => a.from.role);
    expect(roles[0]).toBe('user');
    expect(activities[0]?.text).toBe('hello');
    expect(roles.filter((r) => r === 'user')).toHaveLength(2);
    expect(roles.at(-1)).toBe('bot');
  });

  it('answers a message sent again under the same clientActivityID once, with the first one\'s id', async () => {
    const dl = await DirectLineClient.start(t().url);
    const message = { type: 'message', text: 'وش الخدمات اللي تقدمونها؟', from: { id: dl.userId }, channelData: { clientActivityID: 'page-msg-1' } };
    const first = await dl.post(message);
    const again = await dl.post(message);
    expect([first.status, again.status]).toEqual([200, 200]);
    const firstId = ((await first.json()) as { id: string }).id;
    expect(((await again.json()) as { id: string }).id).toBe(firstId);
    // Another message with another name is a message of its own.
    await dl.post({ ...message, channelData: { clientActivityID: 'page-msg-2' } });
    const { activities } = (await (await dl.get('0')).json()) as { activities: { id: string; replyToId?: string; from: { role: string } }[] };
    expect(activities.filter((a) => a.from.role === 'user')).toHaveLength(2);
    const replies = activities.filter((a) => a.from.role === 'bot' && a.replyToId === firstId);
    expect(replies.length).toBeGreaterThan(0);
    expect(activities.filter((a) => a.from.role === 'bot' && a.replyToId === firstId)).toHaveLength(replies.length);
    const ids = activities.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('continues a returning visitor\'s conversation from a watermark', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    const again = DirectLineClient.resume(t().url, dl.conversationId, dl.token);
    const history = await again.read();
    expect(history.length).toBeGreaterThanOrEqual(2);
    const reconnect = await fetch(`${t().url}/v3/directline/conversations/${dl.conversationId}`, { headers: { authorization: `Bearer ${dl.token}` } });
    expect(reconnect.status).toBe(200);
    expect(await reconnect.json()).toMatchObject({ conversationId: dl.conversationId });
  });

  it('leaves a staff member\'s private note out of the stream while the watermark moves past it', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    const { message } = await t().app.store.messages.append(dl.conversationId, {
      direction: 'activity',
      author: { kind: 'staff', staffId: 'staff-1' },
      activity: { type: 'message', text: 'private: seen twice already', channelData: { private: true } },
    });
    const res = await dl.get(String(message.seq - 1));
    expect(await res.json()).toEqual({ activities: [], watermark: String(message.seq) });
    const next = await dl.say('2');
    expect(next.length).toBeGreaterThan(0);
    const all = await (await dl.get('0')).text();
    expect(all).not.toContain('seen twice already');
  });
});

describe('tokens', () => {
  it('refuses a request without a token with 401 and a JSON error', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await dl.post({ type: 'message', text: 'hi' }, { token: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'Unauthorized' } });
    expect((await dl.get('0', { token: null })).status).toBe(401);
  });

  it('refuses another conversation\'s id with this token (403) and leaves that conversation untouched', async () => {
    const mine = await DirectLineClient.start(t().url);
    const theirs = await DirectLineClient.start(t().url);
    await theirs.say('السلام عليكم');
    const before = await (await theirs.get('0')).json();
    const write = await mine.post({ type: 'message', text: 'hello' }, { conversationId: theirs.conversationId });
    expect(write.status).toBe(403);
    expect((await mine.get('0', { conversationId: theirs.conversationId })).status).toBe(403);
    expect(await (await theirs.get('0')).json()).toEqual(before);
  });

  it('refuses a made-up token with 401', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await dl.post({ type: 'message', text: 'hi' }, { token: 'x'.repeat(43) });
    expect(res.status).toBe(401);
  });
});

describe('bad input', () => {
  it('answers an empty message in the user\'s language and keeps the conversation', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    const replies = await dl.say('');
    expect(lastText(replies)).toMatch(/no text/);
    expect(allText(await dl.say('6'))).toMatch(/2092/);
  });

  it('asks to shorten a 10,000-character message', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('السلام عليكم');
    const replies = await dl.say('ا'.repeat(10_000));
    expect(allText(replies)).toContain('طويلة');
    expect(allText(replies)).toContain('10000');
  });

  it('answers a message of only emoji without failing', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    const replies = await dl.say('😊🌹🙏');
    expect(replies.length).toBeGreaterThan(0);
    expect(allText(replies)).not.toMatch(/went wrong/);
  });

  it('reads a message wrapped in bidi control characters like the plain one', async () => {
    const dl = await DirectLineClient.start(t().url);
    const replies = await dl.say('\u202Bالسلام عليكم\u202C\u200F');
    expect(allText(replies)).toContain('وعليكم السلام');
  });

  it('treats {"$gt": ""} and <script> as plain text, never as a query or markup', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    const injection = await dl.say('{"$gt": ""}');
    expect(allText(injection)).not.toMatch(/went wrong/);
    const script = await dl.say('<script>alert(1)</script>');
    expect(allText(script)).not.toContain('<script>');
    const objectText = await dl.post({ type: 'message', text: { $gt: '' } });
    expect(objectText.status).toBe(400);
    expect(await objectText.json()).toMatchObject({ error: { code: 'BadArgument' } });
  });

  it('refuses an unknown activity type with 400 and accepts typing without a reply', async () => {
    const dl = await DirectLineClient.start(t().url);
    const unknown = await dl.post({ type: 'sticker-bomb', text: 'x' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/Unsupported activity type/);
    const typing = await dl.post({ type: 'typing' });
    expect(typing.status).toBe(200);
    expect(await dl.read()).toHaveLength(0);
  });

  it('answers a malformed JSON body with 400 and a JSON error, storing nothing', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await dl.post(null, { raw: '{"type": "message", "text": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BadArgument' } });
    expect(await dl.read()).toHaveLength(0);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${t().url}/v3/directline/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NotFound' } });
  });
});

describe('uploads', () => {
  it('takes a PDF as an attachment activity and acknowledges it', async () => {
    const dl = await DirectLineClient.start(t().url);
    await dl.say('hello');
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4 test'], { type: 'application/pdf' }), 'report.pdf');
    const res = await fetch(`${t().url}/v3/directline/conversations/${dl.conversationId}/upload?userId=${dl.userId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dl.token}` },
      body: form,
    });
    expect(res.status).toBe(200);
    const activities = await dl.read();
    const upload = activities.find((a) => a.from.role === 'user' && a.attachments?.length);
    expect(upload?.attachments?.[0]).toMatchObject({ name: 'report.pdf', contentType: 'application/pdf' });
    expect(allText(activities.filter((a) => a.from.role === 'bot'))).toContain('report.pdf');
  });

  it('refuses a file type that is not a document or photo with 415', async () => {
    const dl = await DirectLineClient.start(t().url);
    const form = new FormData();
    form.append('file', new Blob(['MZ'], { type: 'application/x-msdownload' }), 'setup.exe');
    const res = await fetch(`${t().url}/v3/directline/conversations/${dl.conversationId}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dl.token}` },
      body: form,
    });
    expect(res.status).toBe(415);
  });
});
