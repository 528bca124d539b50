/**
 * The MongoDB store's files, in GridFS (bucket `files`: collections `files.files` and
 * `files.chunks`), so every web process behind a load balancer reads the same files.
 *
 * The chunks hold the sealed bytes (`cipher.sealBytes`). The description sits in the GridFS file
 * document's `metadata`; only the beneficiary's file name is personal, so only it is sealed, and the
 * rest stays plain so it can be queried (by conversation, by age) when files are cleaned up. The
 * GridFS `filename` is the id, never the real name.
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import { z } from 'zod';
import type { Cipher } from '../../security/cipher.js';
import type { FileRepository, StoredFile } from '../types.js';

const { GridFSBucket, ObjectId } = mongoose.mongo;
type ObjectIdValue = InstanceType<typeof ObjectId>;

export const FILES_BUCKET = 'files';

/** A file id is an ObjectId in hex; anything else is no file. */
const FILE_ID = /^[0-9a-f]{24}$/;

/** What `metadata` holds; written by put, checked on read. */
const metadataSchema = z.object({
  /** Sealed. */
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  conversationId: z.string(),
  createdAt: z.date(),
});
type FileMetadata = z.infer<typeof metadataSchema>;

export function createGridFsFileRepository(db: mongoose.mongo.Db, cipher: Cipher): FileRepository {
  const bucket = new GridFSBucket(db, { bucketName: FILES_BUCKET });
  const filesCollection = db.collection(`${FILES_BUCKET}.files`);
  const chunksCollection = db.collection(`${FILES_BUCKET}.chunks`);

  const readMeta = async (oid: ObjectIdValue): Promise<StoredFile | null> => {
    const doc = await bucket.find({ _id: oid }).limit(1).next();
    if (!doc) return null;
    const parsed = metadataSchema.safeParse(doc.metadata);
    if (!parsed.success) throw new Error(`the description of stored file ${oid.toHexString()} is malformed`);
    const { name, ...plain } = parsed.data;
    return { id: oid.toHexString(), name: cipher.open(name), ...plain };
  };

  return {
    async put(input) {
      // Twelve random bytes rather than a counter-and-clock ObjectId, so ids in URLs can't be guessed.
      const oid = new ObjectId(crypto.randomBytes(12));
      const meta: StoredFile = {
        id: oid.toHexString(),
        name: input.name,
        contentType: input.contentType,
        size: input.bytes.length,
        conversationId: input.conversationId,
        createdAt: new Date(),
      };
      const metadata: FileMetadata = {
        name: cipher.seal(meta.name),
        contentType: meta.contentType,
        size: meta.size,
        conversationId: meta.conversationId,
        createdAt: meta.createdAt,
      };
      // GridFS writes the chunks first and the file document last, so a file is visible only once whole.
      await pipeline(Readable.from([cipher.sealBytes(input.bytes)]), bucket.openUploadStreamWithId(oid, meta.id, { metadata }));
      return meta;
    },

    async meta(id) {
      const oid = objectIdOf(id);
      return oid ? readMeta(oid) : null;
    },

    async get(id) {
      const oid = objectIdOf(id);
      if (!oid) return null;
      const meta = await readMeta(oid);
      if (!meta) return null;
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of bucket.openDownloadStream(oid)) chunks.push(chunk as Buffer);
      } catch (error) {
        // Deleted between the two reads: the document or its chunks went away under the download.
        if (!(await filesCollection.countDocuments({ _id: oid }, { limit: 1 }))) return null;
        throw error;
      }
      return { meta, bytes: cipher.openBytes(Buffer.concat(chunks)) };
    },

    async delete(id) {
      const oid = objectIdOf(id);
      if (!oid) return false;
      // What GridFSBucket.delete does, without its error for a missing file: the document goes first
      // (the file stops being readable at once), then the chunks, orphans of an earlier failed delete too.
      const { deletedCount } = await filesCollection.deleteOne({ _id: oid });
      await chunksCollection.deleteMany({ files_id: oid });
      return deletedCount === 1;
    },
  };
}

function objectIdOf(id: string): ObjectIdValue | null {
  return FILE_ID.test(id) ? ObjectId.createFromHexString(id) : null;
}
