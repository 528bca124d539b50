/** Field definitions and options every mongoose schema of the store shares. */

/** A record as a document: `_id` instead of `id`. */
export type AsDocument<R extends { id: string }> = Omit<R, 'id'> & { _id: string };

export const requiredString = { type: String, required: true } as const;
export const nullableString = { type: String, default: null } as const;
export const nullableDate = { type: Date, default: null } as const;
export const requiredDate = { type: Date, required: true } as const;
/** Store-made UUIDs as `_id`, so a record's id is the same in both stores. */
export const uuidId = { type: String, required: true } as const;
/**
 * minimize: false keeps empty objects (`details: {}`) instead of dropping them; versionKey: false
 * because the store never uses `__v`.
 */
export const schemaOptions = { minimize: false, versionKey: false } as const;
