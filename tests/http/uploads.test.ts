import { describe, expect, it } from 'vitest';
import { nameForType, sniffFileType } from '../../src/security/file-type.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

const MINIMAL_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;
/** The PNG signature and the start of an IHDR chunk for a 1×1 image. */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const box = (brand: string) => Uint8Array.from([0, 0, 0, 24, ...ascii('ftyp'), ...ascii(brand), 0, 0, 0, 0, ...ascii('mif1heic')]);

async function send(dl: DirectLineClient, name: string, type: string, bytes: string | Uint8Array<ArrayBuffer>): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return fetch(`${t().url}/v3/directline/conversations/${dl.conversationId}/upload?userId=${dl.userId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dl.token}` },
    body: form,
  });
}

describe('file types by content', () => {
  it('knows PDF, JPEG, PNG, HEIC/HEIF and WebP by their first bytes', () => {
    expect(sniffFileType(Buffer.from(MINIMAL_PDF))).toBe('application/pdf');
    expect(sniffFileType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe('image/jpeg');
    expect(sniffFileType(PNG)).toBe('image/png');
    expect(sniffFileType(box('heic'))).toBe('image/heic');
    expect(sniffFileType(box('heix'))).toBe('image/heic');
    expect(sniffFileType(box('mif1'))).toBe('image/heif');
    expect(sniffFileType(box('msf1'))).toBe('image/heif');
    expect(sniffFileType(Uint8Array.from([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8 ')]))).toBe('image/webp');
  });

  it('knows nothing else, however it starts', () => {
    expect(sniffFileType(Buffer.from('<!doctype html><script>alert(1)</script>'))).toBeNull();
    expect(sniffFileType(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(sniffFileType(box('mp42'))).toBeNull(); // a video in the same box format
    expect(sniffFileType(Uint8Array.from([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')]))).toBeNull();
    expect(sniffFileType(Buffer.from('%PD'))).toBeNull();
    expect(sniffFileType(new Uint8Array(0))).toBeNull();
  });

  it('gives a stored name the extension of what the file really is', () => {
    expect(nameForType('scan.PDF', 'application/pdf')).toBe('scan.PDF');
    expect(nameForType('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(nameForType('scan.pdf', 'image/png')).toBe('scan.pdf.png');
    expect(nameForType('هوية', 'image/jpeg')).toBe('هوية.jpg');
  });
});

describe('the Direct Line upload route', () => {
  it('refuses a ".pdf" that holds HTML with 415 and a clear message, whatever type it declares', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await send(dl, 'report.pdf', 'application/pdf', '<html><body><script>alert(1)</script></body></html>');
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UnsupportedMediaType');
    expect(body.error.message).toMatch(/not a PDF or a photo/);
    const stored = await t().app.store.messages.list(dl.conversationId, { direction: 'incoming' });
    expect(stored).toHaveLength(0);
  });

  it('accepts a real minimal PDF and keeps it as a PDF', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await send(dl, 'تقرير.pdf', 'application/pdf', MINIMAL_PDF);
    expect(res.status).toBe(200);
    const upload = (await dl.read()).find((a) => a.attachments?.length);
    expect(upload?.attachments?.[0]).toMatchObject({ name: 'تقرير.pdf', contentType: 'application/pdf' });
  });

  it('accepts a PNG declared as anything and stores the type its bytes show', async () => {
    const dl = await DirectLineClient.start(t().url);
    const res = await send(dl, 'photo.pdf', 'application/octet-stream', PNG);
    expect(res.status).toBe(200);
    const upload = (await dl.read()).find((a) => a.attachments?.length);
    const attachment = upload?.attachments?.[0] as { name?: string; contentType: string; contentUrl?: string } | undefined;
    expect(attachment).toMatchObject({ name: 'photo.pdf.png', contentType: 'image/png' });
    const download = await fetch(`${t().url}${attachment?.contentUrl ?? ''}`, { headers: { authorization: `Bearer ${dl.token}` } });
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);
  });
});
