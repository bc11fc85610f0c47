/**
 * What the stand-in reads from a transcription upload: `multipart/form-data` fields and the WAV
 * header of the file. Lenient where the vendor is, strict where a client bug would hide.
 */

/** A parsed WAV file. */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes of sample data. */
  dataBytes: number;
  durationMs: number;
  /** The sample data. */
  data: Buffer;
}

/** A parsed form: text fields and the uploaded file. */
export interface ParsedForm {
  fields: Record<string, string>;
  file?: { field: string; filename: string; contentType: string; bytes: number; wav: WavInfo | undefined } | undefined;
}

/** Parses `body` as `multipart/form-data` with the boundary of `contentType`; `undefined` when it is not one. */
export function parseMultipart(body: Buffer, contentType: string | undefined): { form: ParsedForm; fileData: Buffer | undefined } | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!/^multipart\/form-data/i.test(contentType ?? '') || match === null) return undefined;
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  const form: ParsedForm = { fields: {} };
  let fileData: Buffer | undefined;
  let pos = body.indexOf(delimiter);
  if (pos === -1) return undefined;
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    pos += 2; // CRLF after the delimiter
    const next = body.indexOf(delimiter, pos);
    if (next === -1) return undefined;
    const part = body.subarray(pos, next - 2); // minus the CRLF before the next delimiter
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd === -1) return undefined;
    const head = part.subarray(0, headEnd).toString('utf8');
    const content = part.subarray(headEnd + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) return undefined;
    if (filename !== undefined) {
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '';
      form.file = { field: name, filename, contentType: type.trim(), bytes: content.length, wav: parseWav(content) };
      fileData = content;
    } else form.fields[name] = content.toString('utf8');
    pos = next;
  }
  return { form, fileData };
}

/** The format and data of a RIFF/WAVE file, or `undefined` when it is not one. */
export function parseWav(file: Buffer): WavInfo | undefined {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let pos = 12;
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (pos + 8 <= file.length) {
    const id = file.toString('ascii', pos, pos + 4);
    const size = file.readUInt32LE(pos + 4);
    const start = pos + 8;
    if (id === 'fmt ' && size >= 16 && start + 16 <= file.length) {
      fmt = { channels: file.readUInt16LE(start + 2), sampleRate: file.readUInt32LE(start + 4), bitsPerSample: file.readUInt16LE(start + 14) };
    } else if (id === 'data' && fmt !== undefined) {
      const data = file.subarray(start, Math.min(start + size, file.length));
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      return { ...fmt, dataBytes: data.length, durationMs: bytesPerSecond > 0 ? Math.round((data.length / bytesPerSecond) * 1000) : 0, data };
    }
    pos = start + size + (size % 2);
  }
  return undefined;
}
