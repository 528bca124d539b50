import crypto from 'node:crypto';
import { LOCALES } from '../../i18n/i18n.js';
import { StoreNotFoundError } from '../../errors/store-errors.js';
import type { ContactChannelRecord, ContactRecord, ContactRepository } from '../types.js';
import {
  asRow,
  asRows,
  consentJson,
  consentOrNull,
  date,
  dbDate,
  int,
  oneOfOrNull,
  openTextOrNull,
  sealTextOrNull,
  text,
  type Row,
  type SqliteContext,
} from './rows.js';
import { getRecord, insertRecord, updateRecord, type TableMapping } from './table.js';
import { newContact } from '../new-records.js';

const contacts: TableMapping<ContactRecord> = {
  table: 'contacts',
  what: 'contact',
  mutableColumns: ['locale', 'display_name', 'consent', 'prefers_surveys', 'prefers_reminders', 'updated_at'],
  fixedFields: ['id', 'createdAt'],
  toRow: (c, { cipher }) => ({
    id: c.id,
    locale: c.locale,
    display_name: sealTextOrNull(cipher, c.displayName),
    consent: consentJson(c.consent),
    prefers_surveys: c.preferences.surveys ? 1 : 0,
    prefers_reminders: c.preferences.reminders ? 1 : 0,
    created_at: dbDate(c.createdAt),
    updated_at: dbDate(c.updatedAt),
  }),
  fromRow: (row, { cipher }) => ({
    id: text(row, 'id'),
    locale: oneOfOrNull(row, 'locale', LOCALES),
    displayName: openTextOrNull(cipher, row, 'display_name'),
    consent: consentOrNull(row, 'consent'),
    preferences: { surveys: int(row, 'prefers_surveys') !== 0, reminders: int(row, 'prefers_reminders') !== 0 },
    createdAt: date(row, 'created_at'),
    updatedAt: date(row, 'updated_at'),
  }),
};

function channelFromRow(row: Row): ContactChannelRecord {
  return {
    id: text(row, 'id'),
    contactId: text(row, 'contact_id'),
    channel: text(row, 'channel'),
    address: text(row, 'address'),
    createdAt: date(row, 'created_at'),
  };
}

export function createContactRepository(ctx: SqliteContext): ContactRepository {
  const findLink = (channel: string, address: string): ContactChannelRecord | null => {
    const row = asRow(ctx.stmt('SELECT * FROM contact_channels WHERE channel = ? AND address = ?').get(channel, address));
    return row ? channelFromRow(row) : null;
  };

  /** Insert-or-keep in one transaction: a second link of the same address returns the first one. */
  const linkChannel = ctx.db.transaction((contactId: string, channel: string, address: string): ContactChannelRecord => {
    const existing = findLink(channel, address);
    if (existing) return existing;
    if (!getRecord(ctx, contacts, contactId)) throw new StoreNotFoundError('contact', contactId);
    const link: ContactChannelRecord = { id: crypto.randomUUID(), contactId, channel, address, createdAt: new Date() };
    ctx
      .stmt('INSERT INTO contact_channels (id, contact_id, channel, address, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(link.id, contactId, channel, address, dbDate(link.createdAt));
    return link;
  });

  return {
    async create(input) {
      return insertRecord(ctx, contacts, newContact(input));
    },
    async get(id) {
      return getRecord(ctx, contacts, id);
    },
    async update(id, patch) {
      return updateRecord(ctx, contacts, id, patch, (merged) => ({ ...merged, updatedAt: new Date() }));
    },
    async findByChannelAddress(channel, address) {
      const link = findLink(channel, address);
      return link ? getRecord(ctx, contacts, link.contactId) : null;
    },
    async linkChannel(contactId, channel, address) {
      return linkChannel.immediate(contactId, channel, address);
    },
    async listChannels(contactId) {
      const rows = ctx.stmt('SELECT * FROM contact_channels WHERE contact_id = ? ORDER BY created_at, rowid').all(contactId);
      return asRows(rows).map(channelFromRow);
    },
  };
}
