/**
 * The embedded store's files: encrypted on disk in one folder (beside the SQLite file, in the data
 * folder). `<id>.bin` holds the sealed bytes, `<id>.json` the sealed description. This is the format
 * the earlier `FileStore` wrote under `<DATA_DIR>/files`, so files kept before still open.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Cipher } from '../../security/cipher.js';
import type { FileRepository, StoredFile } from '../types.js';

/** 128 random bits in hex; anything else (`../../etc/passwd`, ``) never reaches a path. */
const FILE_ID = /^[0-9a-f]{32}$/;

/** The description as sealed in `<id>.json`: a StoredFile with `createdAt` as an ISO string. */
const descriptionSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  conversationId: z.string(),
  createdAt: z.string(),
});

export function createDiskFileRepository(dir: string, cipher: Cipher): FileRepository {
  const pathOf = (id: string, ext: 'bin' | 'json') => path.join(dir, `${id}.${ext}`);

  const readMeta = async (id: string): Promise<StoredFile | null> => {
    const sealed = await readIfExists(pathOf(id, 'json'), 'utf8');
    if (sealed === null) return null;
    const parsed = descriptionSchema.safeParse(cipher.openJson(sealed));
    if (!parsed.success) throw new Error(`the description of stored file ${id} is malformed`);
    return { ...parsed.data, createdAt: new Date(parsed.data.createdAt) };
  };

  return {
    async put(input) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const meta: StoredFile = {
        id: crypto.randomBytes(16).toString('hex'),
        name: input.name,
        contentType: input.contentType,
        size: input.bytes.length,
        conversationId: input.conversationId,
        createdAt: new Date(),
      };
      // Bytes first, description last and by rename: a file is visible only once it is whole.
      await fs.writeFile(pathOf(meta.id, 'bin'), cipher.sealBytes(input.bytes), { mode: 0o600 });
      const staged = `${pathOf(meta.id, 'json')}.tmp`;
      await fs.writeFile(staged, cipher.sealJson({ ...meta, createdAt: meta.createdAt.toISOString() }), { mode: 0o600 });
      await fs.rename(staged, pathOf(meta.id, 'json'));
      return meta;
    },

    async meta(id) {
      return FILE_ID.test(id) ? readMeta(id) : null;
    },

    async get(id) {
      if (!FILE_ID.test(id)) return null;
      const meta = await readMeta(id);
      if (!meta) return null;
      const sealed = await readIfExists(pathOf(id, 'bin'));
      // Deleted between the two reads.
      if (sealed === null) return null;
      return { meta, bytes: cipher.openBytes(sealed) };
    },

    async delete(id) {
      if (!FILE_ID.test(id)) return false;
      // The description goes first, so the file stops being readable at once; then the bytes.
      const existed = await removeIfExists(pathOf(id, 'json'));
      await fs.rm(pathOf(id, 'bin'), { force: true });
      return existed;
    },
  };
}

async function readIfExists(file: string): Promise<Buffer | null>;
async function readIfExists(file: string, encoding: 'utf8'): Promise<string | null>;
async function readIfExists(file: string, encoding?: 'utf8'): Promise<Buffer | string | null> {
  try {
    return encoding ? await fs.readFile(file, encoding) : await fs.readFile(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

async function removeIfExists(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
