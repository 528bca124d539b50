/** Contacts, conversations and transcripts on MongoDB. */
import crypto from 'node:crypto';
import type { Cipher } from '../../security/cipher.js';
import { StoreNotFoundError } from '../../errors/store-errors.js';
import type { ContactRepository, ConversationRepository, MessageDelivery, MessageRecord, MessageRepository } from '../types.js';
import { channelFromDoc, contactMapping, conversationMapping, messageFromDoc, messageToDoc, openObject } from './documents.js';
import type { ContactChannelDoc, ConversationDoc, MessageDoc, Models } from './models.js';
import { definedFilter, findById, insertRecord, isDuplicateKeyError, limitOf, pageOf, patchById } from './operations.js';
import { newContact, newConversation, newMessage } from '../new-records.js';
import { deliveryStatesBefore, erasedActivity } from '../record-values.js';

export type MongoContext = { models: Models; cipher: Cipher };

/**
 * Inserts one append tries before giving up, each lost to a concurrent append that took the seq: a
 * burst of n messages to one conversation at once needs up to n (a flood is stored whole).
 */
const MAX_SEQ_ATTEMPTS = 500;

type AppendOutcome = { message: MessageRecord; duplicate: boolean };

export function createContactRepository({ models, cipher }: MongoContext): ContactRepository {
  const { Contact, ContactChannel } = models;
  const findLink = (channel: string, address: string) => ContactChannel.findOne({ channel, address }).lean<ContactChannelDoc>().exec();

  return {
    async create(input) {
      return insertRecord(Contact, contactMapping, cipher, newContact(input));
    },
    get: (id) => findById(Contact, contactMapping, cipher, id),
    update: (id, patch) => patchById(Contact, contactMapping, cipher, id, patch, { updatedAt: new Date() }),
    async findByChannelAddress(channel, address) {
      const link = await findLink(channel, address);
      return link ? findById(Contact, contactMapping, cipher, link.contactId) : null;
    },
    async linkChannel(contactId, channel, address) {
      const existing = await findLink(channel, address);
      if (existing) return channelFromDoc(existing);
      if (!(await Contact.exists({ _id: contactId }))) throw new StoreNotFoundError('contact', contactId);
      const doc: ContactChannelDoc = { _id: crypto.randomUUID(), contactId, channel, address, createdAt: new Date() };
      try {
        await ContactChannel.create(doc);
        return channelFromDoc(doc);
      } catch (error) {
        // Another process linked the same address between our read and insert: theirs stands.
        const winner = isDuplicateKeyError(error) ? await findLink(channel, address) : null;
        if (!winner) throw error;
        return channelFromDoc(winner);
      }
    },
    async listChannels(contactId) {
      const docs = await ContactChannel.find({ contactId }).sort({ createdAt: 1, _id: 1 }).lean<ContactChannelDoc[]>().exec();
      return docs.map(channelFromDoc);
    },
  };
}

export function createConversationRepository({ models, cipher }: MongoContext): ConversationRepository {
  const { Conversation } = models;
  const findOne = async (filter: { channel: string; externalId: string }) => {
    const doc = await Conversation.findOne(filter).lean<ConversationDoc>().exec();
    return doc ? conversationMapping.fromDoc(doc, cipher) : null;
  };

  return {
    async create(input) {
      return insertRecord(Conversation, conversationMapping, cipher, newConversation(input));
    },
    get: (id) => findById(Conversation, conversationMapping, cipher, id),
    findByExternal: (channel, externalId) => findOne({ channel, externalId }),
    async findByTokenHash(tokenHash) {
      const doc = await Conversation.findOne({ tokenHash }, { _id: 1, channel: 1, tokenExpiresAt: 1 }).lean<Pick<ConversationDoc, '_id' | 'channel' | 'tokenExpiresAt'>>().exec();
      return doc ? { id: doc._id, channel: doc.channel, tokenExpiresAt: doc.tokenExpiresAt ?? null } : null;
    },
    update: (id, patch) => patchById(Conversation, conversationMapping, cipher, id, patch, { updatedAt: new Date() }),
    async list(filter) {
      const { skip, limit } = pageOf(filter);
      const docs = await Conversation.find(definedFilter({ status: filter.status, channel: filter.channel, contactId: filter.contactId }))
        .sort({ createdAt: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean<ConversationDoc[]>()
        .exec();
      return docs.map((doc) => conversationMapping.fromDoc(doc, cipher));
    },
    async listUnhandled(options) {
      const docs = await Conversation.aggregate<{ _id: string }>([
        ...(options.updatedSince ? [{ $match: { updatedAt: { $gte: options.updatedSince } } }] : []),
        ...(options.channels ? [{ $match: { channel: { $in: [...options.channels] } } }] : []),
        {
          $lookup: {
            from: models.Message.collection.name,
            let: { conversationId: '$_id', processedSeq: '$processedSeq' },
            pipeline: [
              {
                $match: {
                  $expr: {
                    $and: [
                      { $eq: ['$conversationId', '$$conversationId'] },
                      { $gt: ['$seq', '$$processedSeq'] },
                      { $eq: ['$direction', 'incoming'] },
                      ...(options.storedBefore ? [{ $lt: ['$createdAt', { $literal: options.storedBefore }] }] : []),
                    ],
                  },
                },
              },
              { $limit: 1 },
              { $project: { _id: 1 } },
            ],
            as: 'unhandled',
          },
        },
        { $match: { 'unhandled.0': { $exists: true } } },
        { $sort: { updatedAt: 1, _id: 1 } },
        { $limit: limitOf(options.limit) },
        { $project: { _id: 1 } },
      ]).exec();
      return docs.map((doc) => doc._id);
    },
  };
}

export function createMessageRepository({ models, cipher }: MongoContext): MessageRepository {
  const { Conversation, Message } = models;
  const findByDedupeKey = async (conversationId: string, dedupeKey: string): Promise<MessageRecord | null> => {
    const doc = await Message.findOne({ conversationId, dedupeKey }).lean<MessageDoc>().exec();
    return doc ? messageFromDoc(doc, cipher) : null;
  };

  /** The highest seq in the transcript (0 for none): the unique (conversationId, seq) index answers it. */
  const highestSeq = async (conversationId: string): Promise<number> => {
    const [last] = await Message.find({ conversationId }, { seq: 1 }).sort({ seq: -1 }).limit(1).lean<Pick<MessageDoc, 'seq'>[]>().exec();
    return last?.seq ?? 0;
  };

  /**
   * Writes the message under the seq after the transcript's highest. The unique (conversationId, seq)
   * index refuses a second insert of one seq, and the loser reads again and takes the next; so seq n
   * is only ever written once seq n−1 is in the collection, and a drain listing the messages after
   * its processedSeq never sees a later message while an earlier one is still landing. (A counter
   * taken with `$inc` before the insert let two appends land 6 before 5: a drain between them ran 6,
   * moved processedSeq past 5, and 5 was never answered.) Without a transaction, which would need a
   * replica set. The conversation's lastSeq is raised after the insert; a message for a conversation
   * that does not exist is taken back out.
   */
  const insertNext = async (conversationId: string, toDoc: (seq: number) => MessageRecord, dedupeKey: string | null): Promise<AppendOutcome> => {
    for (let attempt = 1; ; attempt += 1) {
      const message = toDoc((await highestSeq(conversationId)) + 1);
      const doc = messageToDoc(message, cipher);
      try {
        await Message.create(doc);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Two deliveries of one inbound message raced past the dedupe check: the first one stands.
        const winner = dedupeKey === null ? null : await findByDedupeKey(conversationId, dedupeKey);
        if (winner) return { message: winner, duplicate: true };
        // Another append took this seq first: take the next.
        if (attempt >= MAX_SEQ_ATTEMPTS) throw error;
        continue;
      }
      // $max for both: appends landing out of order never move either back.
      const raised = await Conversation.updateOne({ _id: conversationId }, { $max: { lastSeq: message.seq, updatedAt: message.createdAt } }).exec();
      if (raised.matchedCount === 0) {
        await Message.deleteOne({ conversationId, seq: message.seq }).exec();
        throw new StoreNotFoundError('conversation', conversationId);
      }
      return { message: messageFromDoc(doc, cipher), duplicate: false };
    }
  };

  const findBySeq = async (conversationId: string, seq: number): Promise<MessageRecord | null> => {
    const doc = await Message.findOne({ conversationId, seq }).lean<MessageDoc>().exec();
    return doc ? messageFromDoc(doc, cipher) : null;
  };

  /**
   * One conditional update, so the check and the write cannot be split by another process: the filter
   * matches only a message whose state may move to the new one (`deliveryStatesBefore`), and the
   * update pipeline keeps the stored platform id when the new one is null.
   */
  const moveDelivery = async (conversationId: string, seq: number, delivery: MessageDelivery): Promise<MessageDoc | null> => {
    const filter = { conversationId, seq, $or: [{ delivery: null }, { 'delivery.state': { $in: deliveryStatesBefore(delivery.state) } }] };
    // $literal: a value that starts with "$" must never be read as a field path.
    const next = {
      state: { $literal: delivery.state },
      at: { $literal: delivery.at },
      platformId: delivery.platformId === null ? { $ifNull: ['$delivery.platformId', null] } : { $literal: delivery.platformId },
      error: { $literal: delivery.error },
    };
    return Message.findOneAndUpdate(filter, [{ $set: { delivery: next } }], { returnDocument: 'after', updatePipeline: true })
      .lean<MessageDoc>()
      .exec();
  };

  return {
    async append(conversationId, input) {
      const dedupeKey = input.dedupeKey ?? null;
      const earlier = dedupeKey === null ? null : await findByDedupeKey(conversationId, dedupeKey);
      if (earlier) return { message: earlier, duplicate: true };
      const now = new Date();
      return insertNext(conversationId, (seq) => newMessage(conversationId, seq, input, now), dedupeKey);
    },
    async list(conversationId, options = {}) {
      const filter = definedFilter({ conversationId, seq: { $gt: options.afterSeq ?? 0 }, direction: options.direction });
      const docs = await Message.find(filter).sort({ seq: 1 }).limit(limitOf(options.limit)).lean<MessageDoc[]>().exec();
      return docs.map((doc) => messageFromDoc(doc, cipher));
    },
    async setDelivery(conversationId, seq, delivery) {
      const moved = await moveDelivery(conversationId, seq, delivery);
      // Refused (or no such message): the message as it stands, or null.
      return moved ? messageFromDoc(moved, cipher) : findBySeq(conversationId, seq);
    },
    async eraseConversation(conversationId) {
      // Each message's marker keeps its own ids; one bulk write of per-seq updates, no transaction needed
      // (erasing twice gives the same result).
      const docs = await Message.find({ conversationId }, { seq: 1, activity: 1 }).lean<Pick<MessageDoc, 'seq' | 'activity'>[]>().exec();
      if (docs.length === 0) return 0;
      const now = new Date();
      await Message.bulkWrite(
        docs.map((doc) => ({
          updateOne: {
            filter: { conversationId, seq: doc.seq },
            update: { $set: { activity: cipher.sealJson(erasedActivity(openObject(cipher, doc.activity, 'activity'))), erasedAt: now } },
          },
        })),
      );
      return docs.length;
    },
    async findByPlatformId(channel, platformId) {
      // Messages do not carry their channel; the few with this id are checked against their conversations.
      const docs = await Message.find({ 'delivery.platformId': platformId, direction: 'outgoing' })
        .sort({ createdAt: -1, seq: -1 })
        .lean<MessageDoc[]>()
        .exec();
      if (docs.length === 0) return null;
      const conversationIds = [...new Set(docs.map((doc) => doc.conversationId))];
      const onChannel = await Conversation.find({ _id: { $in: conversationIds }, channel }, { _id: 1 }).lean<{ _id: string }[]>().exec();
      const ids = new Set(onChannel.map((conversation) => conversation._id));
      const found = docs.find((doc) => ids.has(doc.conversationId));
      return found ? messageFromDoc(found, cipher) : null;
    },
  };
}
