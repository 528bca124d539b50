import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/security/cipher.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { ALL_BYTES } from './contract/files.js';
import { NATIONAL_ID } from './contract/helpers.js';
import { startWorker } from './fixtures/start-worker.js';
import { describeStoreContract } from './store-contract.js';

const key = crypto.randomBytes(32);
const cipher = createCipher(key);
const tempDirs: string[] = [];

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'injab-store-'));
  tempDirs.push(dir);
  return path.join(dir, 'injab.sqlite');
}

async function removeTempDirs(): Promise<void> {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

describeStoreContract('SQLite', async () => createSqliteStore({ file: tempFile(), cipher }), removeTempDirs);

describe('SQLite store', () => {
  const open: Store[] = [];
  const openStore = (file: string): Store => {
    const store = createSqliteStore({ file, cipher });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await removeTempDirs();
  });

  it('keeps data across close and reopen of the same file', async () => {
    const file = tempFile();
    const first = openStore(file);
    const conversation = await first.conversations.create({ channel: 'telegram', externalId: 'c' });
    await first.conversations.update(conversation.id, { state: { step: 'ask_city' } });
    await first.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { text: 'hi' } });
    await first.close();

    const reopened = openStore(file);
    expect(await reopened.conversations.get(conversation.id)).toMatchObject({ state: { step: 'ask_city' }, lastSeq: 1 });
    expect((await reopened.messages.list(conversation.id))[0]?.activity).toEqual({ text: 'hi' });
  });

  it('keeps the sealed text of a field an update leaves as it was, seals a changed one anew, and moves an old key\'s to the current one', async () => {
    const file = tempFile();
    const oldKey = crypto.randomBytes(32);
    const before = createSqliteStore({ file, cipher: createCipher(oldKey) });
    const conversation = await before.conversations.create({ channel: 'telegram', externalId: 'c', reference: { bot: 'injab' } });
    await before.conversations.update(conversation.id, { state: { step: 'ask_city' } });
    await before.close();
    const rawRow = () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT state, reference FROM conversations WHERE id = ?').get(conversation.id) as { state: string; reference: string };
      } finally {
        db.close();
      }
    };
    const store = createSqliteStore({ file, cipher: createCipher(key, [oldKey]) });
    open.push(store);
    // Written under the old key: the first update re-seals both under the current one.
    await store.conversations.update(conversation.id, { processedSeq: 1 });
    const first = rawRow();
    expect(cipher.isCurrent(first.state) && cipher.isCurrent(first.reference)).toBe(true);
    // Nothing sealed changed: the same texts stay.
    await store.conversations.update(conversation.id, { processedSeq: 2, state: { step: 'ask_city' } });
    expect(rawRow()).toEqual(first);
    // The state changed: sealed anew; the reference kept.
    await store.conversations.update(conversation.id, { state: { step: 'ask_phone' } });
    const third = rawRow();
    expect(third.state).not.toBe(first.state);
    expect(third.reference).toBe(first.reference);
    expect(await store.conversations.get(conversation.id)).toMatchObject({ state: { step: 'ask_phone' }, reference: { bot: 'injab' }, processedSeq: 2 });
    // Column by column: a state equal to the reference is sealed on its own, so the row does not show the two are equal.
    await store.conversations.update(conversation.id, { state: { bot: 'injab' } });
    const fourth = rawRow();
    expect(fourth.reference).toBe(first.reference);
    expect(fourth.state).not.toBe(fourth.reference);
    expect(await store.conversations.get(conversation.id)).toMatchObject({ state: { bot: 'injab' }, reference: { bot: 'injab' } });
  });

  it('never writes a national ID in the clear, in rows or in the file', async () => {
    const file = tempFile();
    const store = openStore(file);
    const conversation = await store.conversations.create({ channel: 'telegram', externalId: 'c' });
    await store.conversations.update(conversation.id, { state: { answers: { nationalId: NATIONAL_ID } } });
    await store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { type: 'message', text: `my id is ${NATIONAL_ID}` } });
    await store.supportRequests.create({
      contactId: 'c1',
      conversationId: conversation.id,
      channel: 'telegram',
      status: 'draft',
      answers: { nationalId: NATIONAL_ID },
      applicantKeys: [],
      declaration: null,
      submittedAt: null,
    });
    await store.contacts.create({ locale: 'ar', displayName: `name ${NATIONAL_ID}` });

    const raw = new Database(file, { readonly: true });
    try {
      const sealed = [
        raw.prepare('SELECT state AS value FROM conversations').all(),
        raw.prepare('SELECT activity AS value FROM messages').all(),
        raw.prepare('SELECT answers AS value FROM support_requests').all(),
        raw.prepare('SELECT display_name AS value FROM contacts').all(),
      ].flat();
      expect(sealed).toHaveLength(4);
      for (const row of sealed) {
        expect(row).toEqual({ value: expect.stringMatching(/^v2\./) });
        expect(JSON.stringify(row)).not.toContain(NATIONAL_ID);
      }
    } finally {
      raw.close();
    }

    await store.close();
    const files = fs.readdirSync(path.dirname(file)).map((name) => fs.readFileSync(path.join(path.dirname(file), name)));
    for (const bytes of files) expect(bytes.includes(NATIONAL_ID)).toBe(false);
  });

  it("seals a support request's answers, documents and status note in rows and in the file", async () => {
    const file = tempFile();
    const store = openStore(file);
    const documentName = `هوية ${NATIONAL_ID}.pdf`;
    const statusNote = `رقم الهوية ${NATIONAL_ID} لا يطابق`;
    const created = await store.supportRequests.create({
      contactId: 'c1',
      conversationId: null,
      channel: 'webchat',
      status: 'submitted',
      answers: { nationalId: NATIONAL_ID },
      applicantKeys: ['ab'.repeat(32)],
      documents: [{ kind: 'id_copies', fileId: 'f'.repeat(32), name: documentName, contentType: 'application/pdf', size: 10, receivedAt: new Date() }],
      declaration: null,
      submittedAt: new Date(),
    });
    await store.supportRequests.update(created.id, { status: 'needs_documents', statusNote });

    const raw = new Database(file, { readonly: true });
    try {
      const row = raw.prepare('SELECT answers, documents, status_note FROM support_requests').get();
      expect(row).toEqual({ answers: expect.stringMatching(/^v2\./), documents: expect.stringMatching(/^v2\./), status_note: expect.stringMatching(/^v2\./) });
      for (const secret of [NATIONAL_ID, documentName, statusNote]) expect(JSON.stringify(row)).not.toContain(secret);
    } finally {
      raw.close();
    }

    await store.close();
    const files = fs.readdirSync(path.dirname(file)).map((name) => fs.readFileSync(path.join(path.dirname(file), name)));
    for (const bytes of files) {
      for (const secret of [NATIONAL_ID, 'هوية', 'لا يطابق']) expect(bytes.includes(secret)).toBe(false);
    }
  });

  it("seals a survey's comment and its follow-up note in rows and in the file", async () => {
    const file = tempFile();
    const store = openStore(file);
    const comment = `لم يتصل أحد ${NATIONAL_ID}`;
    const note = `زوجها في المستشفى، الهوية ${NATIONAL_ID}`;
    const created = await store.surveys.create({
      contactId: 'c1',
      conversationId: 'conv-1',
      milestone: 'handoff:1',
      channel: 'telegram',
      staffId: null,
      rating: 1,
      comment,
      sentAt: new Date(),
      answeredAt: new Date(),
      followUp: { state: 'open', openedAt: new Date(), doneBy: null, doneAt: null, note: null },
    });
    await store.surveys.update(created.id, { followUp: { state: 'done', openedAt: new Date(), doneBy: 'staff-1', doneAt: new Date(), note } });
    expect((await store.surveys.get(created.id))?.followUp?.note).toBe(note);

    const raw = new Database(file, { readonly: true });
    try {
      const row = raw.prepare('SELECT comment, follow_up_state, follow_up_note FROM survey_responses').get();
      expect(row).toEqual({ comment: expect.stringMatching(/^v2\./), follow_up_state: 'done', follow_up_note: expect.stringMatching(/^v2\./) });
      for (const secret of [NATIONAL_ID, comment, note]) expect(JSON.stringify(row)).not.toContain(secret);
    } finally {
      raw.close();
    }

    await store.close();
    const files = fs.readdirSync(path.dirname(file)).map((name) => fs.readFileSync(path.join(path.dirname(file), name)));
    for (const bytes of files) {
      for (const secret of [NATIONAL_ID, 'المستشفى', 'لم يتصل']) expect(bytes.includes(secret)).toBe(false);
    }
  });

  it("keeps files sealed in a files folder beside the database: neither the bytes nor the name in the clear", async () => {
    const file = tempFile();
    const store = openStore(file);
    const name = `هوية ${NATIONAL_ID}.pdf`;
    const bytes = Buffer.concat([Buffer.from(`%PDF national id ${NATIONAL_ID}`), ALL_BYTES]);
    const stored = await store.files.put({ name, contentType: 'application/pdf', conversationId: 'c1', bytes });
    await store.close();

    const filesDir = path.join(path.dirname(file), 'files');
    expect(fs.readdirSync(filesDir).sort()).toEqual([`${stored.id}.bin`, `${stored.id}.json`]);
    const onDisk = filesUnder(path.dirname(file));
    expect(onDisk.length).toBeGreaterThanOrEqual(3);
    for (const [where, content] of onDisk) {
      for (const secret of [bytes, ALL_BYTES, Buffer.from(name), Buffer.from(NATIONAL_ID), Buffer.from('هوية')]) {
        expect(content.includes(secret), `${where} holds a secret in the clear`).toBe(false);
      }
    }

    const reopened = openStore(file);
    expect((await reopened.files.get(stored.id))?.bytes.equals(bytes)).toBe(true);
  });

  it('opens files written by the earlier FileStore under <DATA_DIR>/files', async () => {
    const file = tempFile();
    const filesDir = path.join(path.dirname(file), 'files');
    const id = crypto.randomBytes(16).toString('hex');
    const legacy = { id, name: 'تقرير.pdf', contentType: 'application/pdf', size: ALL_BYTES.length, conversationId: 'c1', createdAt: '2026-03-04T05:06:07.089Z' };
    fs.mkdirSync(filesDir);
    fs.writeFileSync(path.join(filesDir, `${id}.bin`), cipher.sealBytes(ALL_BYTES));
    fs.writeFileSync(path.join(filesDir, `${id}.json`), cipher.sealJson(legacy));

    const read = await openStore(file).files.get(id);
    expect(read?.meta).toEqual({ ...legacy, createdAt: new Date(legacy.createdAt) });
    expect(read?.bytes.equals(ALL_BYTES)).toBe(true);
  });

  it('keeps the files of an in-memory store in a temporary folder that close removes', async () => {
    const store = openStore(':memory:');
    const stored = await store.files.put({ name: 'a.pdf', contentType: 'application/pdf', conversationId: 'c1', bytes: ALL_BYTES });
    expect((await store.files.get(stored.id))?.bytes.equals(ALL_BYTES)).toBe(true);
    expect(fs.existsSync(path.join(process.cwd(), 'files', `${stored.id}.bin`))).toBe(false);
    const leftovers = () => fs.readdirSync(os.tmpdir()).filter((entry) => fs.existsSync(path.join(os.tmpdir(), entry, `${stored.id}.bin`)));
    expect(leftovers()).toHaveLength(1);
    await store.close();
    expect(leftovers()).toHaveLength(0);
  });

  it('gives distinct seqs when two store instances on one file append to one conversation', async () => {
    const file = tempFile();
    const a = openStore(file);
    const b = openStore(file);
    const conversation = await a.conversations.create({ channel: 'telegram', externalId: 'c' });
    const append = (store: Store, i: number) =>
      store.messages.append(conversation.id, { direction: 'incoming', author: { kind: 'beneficiary' }, activity: { text: `${i}` } });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => append(i % 2 === 0 ? a : b, i)));
    expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await b.conversations.get(conversation.id))?.lastSeq).toBe(30);
  });

  it('gives distinct consecutive seqs when separate processes append to one conversation', async () => {
    const file = tempFile();
    const store = openStore(file);
    const conversation = await store.conversations.create({ channel: 'telegram', externalId: 'c' });
    const perWorker = 40;
    const workers = [0, 1, 2].map(() => startAppendWorker(file, conversation.id, perWorker));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const seqs = (await Promise.all(workers.map((w) => w.seqs))).flat();
    expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: 3 * perWorker }, (_, i) => i + 1));
    expect((await store.conversations.get(conversation.id))?.lastSeq).toBe(3 * perWorker);
  });

  it('records its schema version in the file', async () => {
    const file = tempFile();
    await openStore(file).close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses a file written by a newer schema version', () => {
    const file = tempFile();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => createSqliteStore({ file, cipher })).toThrow(/newer/);
  });

  it('works in memory', async () => {
    const store = openStore(':memory:');
    const conversation = await store.conversations.create({ channel: 'telegram', externalId: 'c' });
    expect(await store.conversations.get(conversation.id)).toEqual(conversation);
  });

  it('fails its ping once closed', async () => {
    const store = createSqliteStore({ file: tempFile(), cipher });
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});

/** Every file below `dir`, as [path, content]. */
function filesUnder(dir: string): [string, Buffer][] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry): [string, Buffer] => {
      const where = path.join(entry.parentPath, entry.name);
      return [where, fs.readFileSync(where)];
    });
}

/** Runs tests/store/fixtures/append-worker.ts in its own process; its result is the seqs it got. */
function startAppendWorker(file: string, conversationId: string, count: number) {
  const worker = startWorker('append-worker.ts', [file, key.toString('hex'), conversationId, String(count)]);
  const seqs = worker.result.then((parsed): number[] => {
    if (!Array.isArray(parsed) || !parsed.every((n): n is number => typeof n === 'number')) throw new Error(`bad worker output: ${JSON.stringify(parsed)}`);
    return parsed;
  });
  return { ready: worker.ready, seqs, go: worker.go };
}
