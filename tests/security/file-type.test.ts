import { describe, expect, it } from 'vitest';
import { checkFile, MAX_FILE_BYTES, refusedFile } from '../../src/security/file-type.js';
import { FILES } from '../adapters/file-fixtures.js';

describe('checkFile: a platform file kept by its bytes', () => {
  it('keeps a PDF named .jpg as a PDF, with a name that says so', () => {
    expect(checkFile(FILES.pdf, 'scan.jpg')).toEqual({ ok: true, contentType: 'application/pdf', name: 'scan.jpg.pdf' });
    expect(checkFile(FILES.jpeg, 'هوية.jpeg')).toEqual({ ok: true, contentType: 'image/jpeg', name: 'هوية.jpeg' });
  });

  it('refuses a program or a web page whatever its name', () => {
    expect(checkFile(FILES.exe, 'photo.jpg')).toEqual({ ok: false, refusal: 'file_type' });
    expect(checkFile(FILES.html, 'report.pdf')).toEqual({ ok: false, refusal: 'file_type' });
  });

  it('refuses a file past 10 MB, even a PDF', () => {
    const big = Buffer.concat([FILES.pdf, Buffer.alloc(MAX_FILE_BYTES)]);
    expect(checkFile(big, 'report.pdf')).toEqual({ ok: false, refusal: 'file_too_large' });
  });

  it('gives a refused file no text, so a caption is not read as an answer', () => {
    expect(refusedFile('file_type')).toEqual({ text: '', channelData: { unsupported: true, fileRefused: 'file_type' } });
  });
});
