/** The MongoDB store's answers to the retention purge (src/store/retention.ts). */
import type { Cipher } from '../../security/cipher.js';
import { attachedFileIds, erasedActivity } from '../record-values.js';
import type { RetentionPort } from '../retention.js';
import { openObject, supportRequestMapping } from './documents.js';
import type { MessageDoc, Models, SupportRequestDoc } from './models.js';
import { patchById } from './operations.js';

/** Messages erased per bulk write. */
const BATCH = 500;

export function createMongoRetention({ models, cipher }: { models: Models; cipher: Cipher }): RetentionPort {
  const { Conversation, Message, SupportRequest } = models;
  return {
    async clearStaleStates(before) {
      const { modifiedCount } = await Conversation.updateMany({ state: { $ne: null }, updatedAt: { $lt: before } }, { $set: { state: null } }).exec();
      return modifiedCount;
    },
    async eraseMessagesBefore(before, now) {
      const total = { count: 0, fileIds: [] as string[] };
      for (;;) {
        // `erasedAt: null` also matches messages written before the field existed.
        const docs = await Message.find({ erasedAt: null, createdAt: { $lt: before } }, { conversationId: 1, seq: 1, activity: 1 })
          .sort({ createdAt: 1 })
          .limit(BATCH)
          .lean<Pick<MessageDoc, 'conversationId' | 'seq' | 'activity'>[]>()
          .exec();
        if (docs.length === 0) return total;
        const result = await Message.bulkWrite(
          docs.map((doc) => {
            const activity = openObject(cipher, doc.activity, 'activity');
            total.fileIds.push(...attachedFileIds(activity));
            return {
              updateOne: {
                // Still not erased: a purge in another process that got there first is not counted twice.
                filter: { conversationId: doc.conversationId, seq: doc.seq, erasedAt: null },
                update: { $set: { activity: cipher.sealJson(erasedActivity(activity)), erasedAt: now } },
              },
            };
          }),
        );
        total.count += result.modifiedCount;
        if (docs.length < BATCH || result.modifiedCount === 0) return total;
      }
    },
    async requestsUpdatedBefore(statuses, before) {
      const docs = await SupportRequest.find({ status: { $in: [...statuses] }, updatedAt: { $lt: before } })
        .sort({ updatedAt: 1 })
        .lean<SupportRequestDoc[]>()
        .exec();
      return docs.map((doc) => supportRequestMapping.fromDoc(doc, cipher));
    },
    async rewriteRequest(id, patch) {
      // No stamp: updatedAt stays the decision date.
      await patchById(SupportRequest, supportRequestMapping, cipher, id, patch);
    },
    async requestFileIds() {
      const docs = await SupportRequest.find({ documents: { $ne: null } }).lean<SupportRequestDoc[]>().exec();
      return new Set(docs.flatMap((doc) => supportRequestMapping.fromDoc(doc, cipher).documents.map((d) => d.fileId)));
    },
  };
}
