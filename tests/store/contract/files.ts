import { describe, expect, it } from 'vitest';
import type { CurrentStore } from './helpers.js';

/** Every byte value, so a store that treats the bytes as text is caught. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export function fileContract(store: CurrentStore): void {
  describe('files', () => {
    const upload = (bytes = ALL_BYTES) =>
      store().files.put({ name: 'هوية الزوج.pdf', contentType: 'application/pdf', conversationId: 'conversation-1', bytes });

    it('gives back the same bytes and description it was given', async () => {
      const bytes = Buffer.concat([ALL_BYTES, Buffer.from(ALL_BYTES).reverse(), Buffer.alloc(300_000, 0xa5)]);
      const stored = await upload(bytes);
      expect(stored).toMatchObject({ name: 'هوية الزوج.pdf', contentType: 'application/pdf', conversationId: 'conversation-1', size: bytes.length });
      expect(stored.createdAt).toBeInstanceOf(Date);

      const read = await store().files.get(stored.id);
      expect(read?.meta).toEqual(stored);
      expect(read?.bytes.equals(bytes)).toBe(true);
    });

    it('keeps every byte value from 0x00 to 0xFF', async () => {
      const stored = await upload();
      expect((await store().files.get(stored.id))?.bytes.equals(ALL_BYTES)).toBe(true);
    });

    it('describes a file without its bytes', async () => {
      const stored = await upload();
      const meta = await store().files.meta(stored.id);
      expect(meta).toEqual(stored);
      expect(meta?.createdAt).toBeInstanceOf(Date);
      expect(meta).not.toHaveProperty('bytes');
    });

    it('returns null for an unknown id', async () => {
      const stored = await upload();
      const unknown = stored.id.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      expect(await store().files.get(unknown)).toBeNull();
      expect(await store().files.meta(unknown)).toBeNull();
      expect(await store().files.delete(unknown)).toBe(false);
    });

    it.each(['../../etc/passwd', '', 'zz', 'a'.repeat(12), `${'0'.repeat(24)}/../x`])('returns null for the malformed id %j, without throwing', async (id) => {
      await upload();
      expect(await store().files.get(id)).toBeNull();
      expect(await store().files.meta(id)).toBeNull();
      expect(await store().files.delete(id)).toBe(false);
    });

    it('deletes a file once: true, then gone, then false', async () => {
      const kept = await upload();
      const stored = await upload();
      expect(await store().files.delete(stored.id)).toBe(true);
      expect(await store().files.get(stored.id)).toBeNull();
      expect(await store().files.meta(stored.id)).toBeNull();
      expect(await store().files.delete(stored.id)).toBe(false);
      expect((await store().files.get(kept.id))?.bytes.equals(ALL_BYTES)).toBe(true);
    });

    it('gives each file its own id, even with the same name and bytes', async () => {
      const first = await upload();
      const second = await upload();
      expect(second.id).not.toBe(first.id);
      expect(await store().files.delete(first.id)).toBe(true);
      expect(await store().files.meta(second.id)).toEqual(second);
    });

    it('keeps an empty file', async () => {
      const stored = await upload(Buffer.alloc(0));
      expect(stored.size).toBe(0);
      expect((await store().files.get(stored.id))?.bytes).toHaveLength(0);
    });
  });
}
