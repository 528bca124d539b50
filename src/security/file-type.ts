/** The kinds of file beneficiaries may send (documents and photos of them), by their content type. */
export type SniffedType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/heic' | 'image/heif' | 'image/webp';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

// An ISO-BMFF box `ftyp` at offset 4, with its major brand at 8. HEIC is HEVC-coded; `mif1`/`msf1`
// are the generic HEIF brands (iPhones write `heic`, some Android cameras `mif1`).
const HEIF_BRANDS: Readonly<Record<string, SniffedType>> = {
  heic: 'image/heic',
  heix: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
};

/**
 * The type a file really is, read from its first bytes ("magic numbers"), or null when it is none of
 * the accepted kinds. A file's name and its declared type are what the sender says; its bytes are
 * what a staff member's viewer will open, so only the bytes decide.
 *
 * @example
 *   sniffFileType(Buffer.from('%PDF-1.7\n…')) // 'application/pdf'
 *   sniffFileType(Buffer.from('<html>…'))     // null, whatever the file was called
 */
export function sniffFileType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    return HEIF_BRANDS[brand] ?? null;
  }
  return null;
}

const EXTENSIONS: Readonly<Record<SniffedType, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/heic': ['heic', 'heif'],
  'image/heif': ['heif', 'heic'],
  'image/webp': ['webp'],
};

/**
 * The file's name with an extension that says what it really is (`scan.pdf` that holds a PNG is
 * kept as `scan.pdf.png`), so whoever downloads it later opens it with the right program.
 */
export function nameForType(name: string, type: SniffedType): string {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase();
  const accepted = EXTENSIONS[type];
  return extension !== undefined && accepted.includes(extension) ? name : `${name}.${accepted[0] ?? 'bin'}`;
}

/** The largest file the application keeps, on every channel (web chat answers 413 past it). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Why a file a platform delivered was refused: its bytes are none of the accepted kinds, or it is
 * larger than `MAX_FILE_BYTES`. Adapters put it on the activity as `channelData.fileRefused` (with
 * `unsupported: true` and no text), and the bot answers `bad_input.<refusal>` and asks the open
 * question again — the same words the web chat shows for its 415 and 413.
 */
export type FileRefusal = 'file_type' | 'file_too_large';

/** A received file as the application keeps it, or why it is not kept. */
export type FileVerdict = { ok: true; contentType: SniffedType; name: string } | { ok: false; refusal: FileRefusal };

/**
 * Decides on a file a platform delivered, by its bytes only: what the platform's `mime_type` or the
 * file's name says is the sender's word. An accepted file gets its sniffed type and a name that
 * says it (`nameForType`).
 *
 * @example
 *   checkFile(pdfBytes, 'scan.jpg')   // { ok: true, contentType: 'application/pdf', name: 'scan.jpg.pdf' }
 *   checkFile(exeBytes, 'photo.jpg')  // { ok: false, refusal: 'file_type' }
 */
export function checkFile(bytes: Uint8Array, name: string): FileVerdict {
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, refusal: 'file_too_large' };
  const type = sniffFileType(bytes);
  if (!type) return { ok: false, refusal: 'file_type' };
  return { ok: true, contentType: type, name: nameForType(name.slice(0, 190) || 'file', type) };
}

/** The activity fields of a refused file: no text (a caption is dropped with its file, as on the web chat), no attachment. */
export function refusedFile(refusal: FileRefusal): { text: string; channelData: { unsupported: true; fileRefused: FileRefusal } } {
  return { text: '', channelData: { unsupported: true, fileRefused: refusal } };
}
