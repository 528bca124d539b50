import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Cipher } from '../security/cipher.js';

export type StoredFile = { id: string; name: string; contentType: string; size: number; conversationId: string; createdAt: string };

/**
 * Files beneficiaries send (ID copies, medical reports), encrypted on disk under `<dataDir>/files`:
 * `<id>.bin` holds the sealed bytes, `<id>.json` the sealed description.
 */
export class FileStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly cipher: Cipher,
  ) {
    this.dir = path.join(dataDir, 'files');
  }

  async put(input: { name: string; contentType: string; conversationId: string; bytes: Buffer }): Promise<StoredFile> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const meta: StoredFile = {
      id: crypto.randomBytes(16).toString('hex'),
      name: input.name,
      contentType: input.contentType,
      size: input.bytes.length,
      conversationId: input.conversationId,
      createdAt: new Date().toISOString(),
    };
    await fs.writeFile(path.join(this.dir, `${meta.id}.bin`), this.cipher.sealBytes(input.bytes), { mode: 0o600 });
    await fs.writeFile(path.join(this.dir, `${meta.id}.json`), this.cipher.sealJson(meta), { mode: 0o600 });
    return meta;
  }

  /** The description of a stored file without reading its bytes; null for an unknown id. */
  async meta(id: string): Promise<StoredFile | null> {
    if (!/^[0-9a-f]{32}$/.test(id)) return null;
    try {
      return this.cipher.openJson<StoredFile>(await fs.readFile(path.join(this.dir, `${id}.json`), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async get(id: string): Promise<{ meta: StoredFile; bytes: Buffer } | null> {
    if (!/^[0-9a-f]{32}$/.test(id)) return null;
    try {
      const meta = this.cipher.openJson<StoredFile>(await fs.readFile(path.join(this.dir, `${id}.json`), 'utf8'));
      const bytes = this.cipher.openBytes(await fs.readFile(path.join(this.dir, `${id}.bin`)));
      return { meta, bytes };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
