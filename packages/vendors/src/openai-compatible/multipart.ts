/**
 * A `multipart/form-data` body built in one buffer (the transcription upload). Pure but for the
 * random boundary.
 */
import { randomBytes } from 'node:crypto';

/** One form field: text, or a file with its name and type. */
export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Uint8Array };

/** The body and its `content-type` (with the boundary). */
export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** Encodes `parts`. Names and file names must not contain quotes or line breaks. */
export function multipartBody(parts: readonly FormPart[]): MultipartBody {
  const boundary = `----vr3-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    checkToken(part.name);
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if ('data' in part) {
      checkToken(part.filename);
      head += `; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`;
      chunks.push(Buffer.from(head, 'utf8'), Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength), Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`${head}\r\n\r\n${part.value}\r\n`, 'utf8'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

function checkToken(value: string): void {
  if (/["\r\n]/.test(value)) throw new RangeError('form field and file names must not contain quotes or line breaks');
}
