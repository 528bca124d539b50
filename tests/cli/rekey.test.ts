import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rekey } from '../../src/cli/rekey.js';
import { loadConfig } from '../../src/config/config.js';
import { nationalIdKeys } from '../../src/requests/request-services.js';
import { createCipher, keyIdOf } from '../../src/security/cipher.js';
import { SQLITE_FILE_NAME } from '../../src/store/create-store.js';
import { allText, askedField, DirectLineClient } from '../helpers/directline-client.js';
import { clearRedisPrefix, removeDir, startTestApp, tempDir, type TestApp } from '../helpers/test-app.js';

/**
 * A data key rotation on the embedded store, end to end: data written under key A, read by an app
 * running on key B with A as a previous key (the duplicate check still finds the couple by national
 * ID), then `rekey`, then read by an app that knows only B.
 */
const A = crypto.randomBytes(32);
const B = crypto.randomBytes(32);
const APPLICANT_ID = '1058529940';
const SPOUSE_ID = '2000000006';
const dataDir = tempDir('rekey');
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await clearRedisPrefix(prefix);
  removeDir(dataDir);
});

async function start(env: Record<string, string>): Promise<TestApp> {
  const app = await startTestApp({ dataDir, env });
  prefixes.push(app.prefix);
  return app;
}

/** A new chat applies with the spouse's ID and is stopped at it with the existing reference. */
async function duplicateCheckFinds(url: string, reference: string): Promise<void> {
  const dl = await DirectLineClient.start(url, `applicant-${crypto.randomBytes(3).toString('hex')}`);
  expect(askedField(await dl.say('ابي اقدم طلب دعم'))).toBe('consent_answer');
  expect(askedField(await dl.say('أوافق'))).toBe('applicant_name');
  expect(askedField(await dl.say('نورة محمد العتيبي'))).toBe('national_id');
  expect(allText(await dl.say(SPOUSE_ID))).toContain(reference);
}

describe('npm run rekey', () => {
  it('keeps data readable and requests findable through a key rotation, and re-keys everything twice over harmlessly', async () => {
    // 1. Key A: a request with sealed answers and the couple's fingerprints, a file, a conversation.
    const first = await start({ DATA_KEY: A.toString('hex') });
    let reference: string;
    let fileId: string;
    let conversation: { id: string; token: string };
    try {
      const request = await first.app.store.supportRequests.create({
        contactId: 'contact-rekey',
        conversationId: null,
        channel: 'webchat',
        status: 'submitted',
        answers: { applicant_name: 'خالد سعد الدوسري', national_id: APPLICANT_ID, spouse_national_id: SPOUSE_ID, income: 7000 },
        declaration: null,
        applicantKeys: nationalIdKeys(createCipher(A), APPLICANT_ID, SPOUSE_ID),
        submittedAt: new Date(),
      });
      reference = request.reference;
      fileId = (await first.app.store.files.put({ name: 'report.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 report'), conversationId: 'c-1' })).id;
      const dl = await DirectLineClient.start(first.url, 'rekey-visitor');
      await dl.say('السلام عليكم');
      conversation = { id: dl.conversationId, token: dl.token };
    } finally {
      await first.stop();
    }

    // 2. Key B, A previous: everything reads, and the duplicate check finds the request by ID.
    const rotated = await start({ DATA_KEY: B.toString('hex'), DATA_KEYS_PREVIOUS: A.toString('base64') });
    try {
      expect((await rotated.app.store.supportRequests.getByReference(reference))?.answers).toMatchObject({ national_id: APPLICANT_ID });
      expect((await rotated.app.store.files.get(fileId))?.bytes.toString()).toBe('%PDF-1.4 report');
      await duplicateCheckFinds(rotated.url, reference);
    } finally {
      await rotated.stop();
    }

    // 3. Re-key; a second run finds nothing left to do.
    const config = loadConfig({ DATA_DIR: dataDir, DATA_KEY: B.toString('hex'), DATA_KEYS_PREVIOUS: A.toString('hex') });
    const report = await rekey(config);
    expect(report.values).toBeGreaterThan(0);
    expect(report.fingerprints).toBe(1);
    expect(report.files).toBe(2);
    expect(await rekey(config)).toEqual({ values: 0, fingerprints: 0, files: 0 });
    expectOnlyKey(B);

    // 4. Key B alone: the same data, the same duplicate check, the same transcript.
    const after = await start({ DATA_KEY: B.toString('hex') });
    try {
      const request = await after.app.store.supportRequests.getByReference(reference);
      expect(request?.answers).toMatchObject({ applicant_name: 'خالد سعد الدوسري', spouse_national_id: SPOUSE_ID });
      expect(request?.applicantKeys).toEqual(nationalIdKeys(createCipher(B), APPLICANT_ID, SPOUSE_ID));
      expect((await after.app.store.files.get(fileId))?.bytes.toString()).toBe('%PDF-1.4 report');
      await duplicateCheckFinds(after.url, reference);
      const history = await DirectLineClient.resume(after.url, conversation.id, conversation.token).get('0');
      expect(history.status).toBe(200);
      expect(JSON.stringify(await history.json())).toContain('السلام عليكم');
    } finally {
      await after.stop();
    }
  });

  it('says MongoDB is not supported yet', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, MONGODB_URI: 'mongodb://localhost:27017/injab' });
    await expect(rekey(config)).rejects.toThrow(/MongoDB is not supported yet/);
  });
});

/** Every sealed value in the database and every file is under `key` now. */
function expectOnlyKey(key: Buffer): void {
  const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
        for (const value of Object.values(row)) {
          if (typeof value === 'string' && /^v\d\./.test(value)) expect(value.startsWith(`v2.${keyIdOf(key)}.`), `${table}: ${value.slice(0, 12)}`).toBe(true);
        }
      }
    }
  } finally {
    db.close();
  }
  const files = path.join(dataDir, 'files');
  for (const name of fs.readdirSync(files)) {
    const bytes = fs.readFileSync(path.join(files, name));
    if (name.endsWith('.bin')) expect(bytes.subarray(4, 8).toString('hex')).toBe(keyIdOf(key));
    if (name.endsWith('.json')) expect(bytes.toString('utf8').startsWith(`v2.${keyIdOf(key)}.`)).toBe(true);
  }
}
