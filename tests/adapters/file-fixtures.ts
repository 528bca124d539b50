/**
 * Files whose bytes are (or are not) what their names say, for the platform adapters' upload
 * checks: only the first bytes matter to `sniffFileType`, so each is a signature and some filler.
 */
export const FILES = {
  pdf: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 a photo of an ID card')]),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from('This program cannot be run in DOS mode.')]),
  html: Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>'),
} as const;

/** The bot's answer to a file refused for its type, in Arabic (`bad_input.file_type`). */
export const REFUSED_TYPE_AR = 'ليس ملف PDF ولا صورة';
/** The bot's answer to a file refused for its size, in Arabic (`bad_input.file_too_large`). */
export const REFUSED_SIZE_AR = 'أكبر من ١٠ ميغابايت';
