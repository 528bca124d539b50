/**
 * How the beneficiary's own data is shown back to them in a chat ("my data"): enough to recognise it,
 * not enough for someone reading over their shoulder (or a forwarded screenshot) to learn it.
 */

const BULLET = '•';

/** «خالد سعد الدوسري» → «خ*** س*** ا***»: the first letter of each word. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map((word) => `${Array.from(word)[0] ?? ''}***`)
    .join(' ');
}

/** «1058529940» → «1•••••••40»: the first digit (citizen or resident) and the last two. */
export function maskNationalId(id: string): string {
  const digits = id.replace(/\D/gu, '');
  if (digits.length < 4) return BULLET.repeat(digits.length || 3);
  return `${digits[0] ?? ''}${BULLET.repeat(digits.length - 3)}${digits.slice(-2)}`;
}

/** «+966501234567» → «05• ••• ••67», in the national layout beneficiaries know (05X XXX XXXX). */
export function maskMobile(e164: string): string {
  const digits = e164.replace(/\D/gu, '');
  const national = digits.startsWith('966') ? `0${digits.slice(3)}` : digits;
  if (national.length !== 10 || !national.startsWith('05')) return `${BULLET.repeat(3)}${national.slice(-2)}`;
  return `05${BULLET} ${BULLET.repeat(3)} ${BULLET.repeat(2)}${national.slice(-2)}`;
}
