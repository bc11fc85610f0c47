import fs from 'node:fs';
import { writeWav } from '@vr3/codec';

/** Bytes of the 16-bit PCM WAV header {@link WavSpoolFile} writes (RIFF, `fmt `, `data` chunk headers). */
export const WAV_HEADER_BYTES = 44;
/** Largest `data` chunk a RIFF file can describe; audio past it is not written. */
const MAX_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

/** Options of {@link WavSpoolFile}. */
export interface WavSpoolOptions {
  file: string;
  sampleRate: number;
  channels: number;
  /**
   * Bytes waiting for the disk at most; audio arriving past it is dropped (counted in
   * {@link WavSpoolFile.droppedBytes}) so a stalled disk cannot grow the process's memory.
   */
  maxBufferedBytes: number;
}

/** What a finished {@link WavSpoolFile} holds. */
export interface SpooledWav {
  file: string;
  /** The whole file, header included. */
  bytes: number;
  /** Sample frames (one sample per channel) in the `data` chunk. */
  frames: number;
}

/**
 * A 16-bit PCM WAV file written while the call runs: a header with zero sizes first, interleaved
 * samples appended as they come (bounded write buffer), and the RIFF and `data` sizes fixed by
 * {@link finish}. A file left unfinished by a crash is repaired with {@link repairWavSizes}.
 */
export class WavSpoolFile {
  /** Audio bytes dropped because the disk was behind (see `maxBufferedBytes`) or the file was full. */
  droppedBytes = 0;
  private readonly stream: fs.WriteStream;
  private dataBytes = 0;
  private readonly failed: Promise<Error>;
  private error: Error | null = null;
  private finishing: Promise<SpooledWav> | null = null;

  constructor(private readonly o: WavSpoolOptions) {
    this.stream = fs.createWriteStream(o.file, { mode: 0o600 });
    this.failed = new Promise((resolve) => this.stream.once('error', (err) => resolve((this.error = err))));
    this.stream.write(writeWav({ sampleRate: o.sampleRate, channels: o.channels, samples: new Int16Array(0) }));
  }

  /** Appends interleaved samples (copied). */
  write(samples: Int16Array): void {
    const bytes = samples.length * 2;
    if (this.finishing || this.error || bytes === 0) return;
    if (this.stream.writableLength + bytes > this.o.maxBufferedBytes || this.dataBytes + bytes > MAX_DATA_BYTES) {
      this.droppedBytes += bytes;
      return;
    }
    this.stream.write(Buffer.from(samples.buffer, samples.byteOffset, bytes));
    this.dataBytes += bytes;
  }

  /** Flushes, closes and fixes the header's sizes. Rejects on a write failure. Idempotent. */
  finish(): Promise<SpooledWav> {
    this.finishing ??= this.finishOnce();
    return this.finishing;
  }

  private async finishOnce(): Promise<SpooledWav> {
    const closed = new Promise<void>((resolve) => this.stream.end(() => resolve()));
    const outcome = await Promise.race([closed.then(() => null), this.failed]);
    if (outcome) throw outcome;
    await patchSizes(this.o.file, this.dataBytes);
    return { file: this.o.file, bytes: WAV_HEADER_BYTES + this.dataBytes, frames: this.dataBytes / (2 * this.o.channels) };
  }
}

/** Writes the RIFF and `data` sizes of a 44-byte-header WAV file whose data is `dataBytes` long. */
async function patchSizes(file: string, dataBytes: number): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes);
    await handle.write(size, 0, 4, 4);
    size.writeUInt32LE(dataBytes);
    await handle.write(size, 0, 4, WAV_HEADER_BYTES - 4);
  } finally {
    await handle.close();
  }
}

/**
 * A spool file a crash left unfinished: its sizes are set from its length (whole sample frames;
 * a torn last frame is cut off). Returns its size and frames, or null when it is not even a header.
 */
export async function repairWavSizes(file: string, channels: number): Promise<{ bytes: number; frames: number } | null> {
  const { size } = await fs.promises.stat(file);
  if (size < WAV_HEADER_BYTES) return null;
  const frameBytes = 2 * channels;
  const dataBytes = Math.min(MAX_DATA_BYTES, size - WAV_HEADER_BYTES - ((size - WAV_HEADER_BYTES) % frameBytes));
  await fs.promises.truncate(file, WAV_HEADER_BYTES + dataBytes);
  await patchSizes(file, dataBytes);
  return { bytes: WAV_HEADER_BYTES + dataBytes, frames: dataBytes / frameBytes };
}
