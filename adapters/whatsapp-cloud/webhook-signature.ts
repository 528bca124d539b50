import crypto from 'node:crypto';

/**
 * Whether `X-Hub-Signature-256` is `sha256=<hex HMAC-SHA256(appSecret, rawBody)>`. Compared in
 * constant time; the raw bytes matter (re-serialized JSON would not match), so the route keeps them.
 */
export function isValidSignature(appSecret: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const expected = crypto.createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
