/**
 * The waveform of a run's recording: a 16-bit PCM WAV (caller on the left channel, agent on the
 * right) read into per-column peaks, one row per channel, for the run page's player to draw.
 */

/** Peaks of a recording: `channels[c][i]` is the largest |sample| of column `i` of channel `c`, 0…1. */
export interface Waveform {
  channels: Float32Array[];
  sampleRate: number;
  durationMs: number;
}

const text = (view: DataView, offset: number): string => String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3));

/** Reads a RIFF/WAVE of 16-bit PCM into `columns` peaks per channel; throws on anything else. */
export function wavPeaks(buffer: ArrayBuffer, columns: number): Waveform {
  const view = new DataView(buffer);
  if (buffer.byteLength < 12 || text(view, 0) !== 'RIFF' || text(view, 8) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= buffer.byteLength) {
    const id = text(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (view.getUint16(body, true) !== 1) throw new Error('not PCM');
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
      if (format.bits !== 16 || format.channels < 1) throw new Error('not 16-bit PCM');
    } else if (id === 'data') {
      if (!format) throw new Error('data before fmt');
      const frames = Math.floor(Math.min(size, buffer.byteLength - body) / (2 * format.channels));
      const cols = Math.max(1, Math.min(columns, frames || 1));
      const channels = Array.from({ length: format.channels }, () => new Float32Array(cols));
      for (let frame = 0; frame < frames; frame++) {
        const col = Math.floor((frame * cols) / frames);
        for (let c = 0; c < format.channels; c++) {
          const v = Math.abs(view.getInt16(body + (frame * format.channels + c) * 2, true)) / 32768;
          if (v > channels[c]![col]!) channels[c]![col] = v;
        }
      }
      return { channels, sampleRate: format.sampleRate, durationMs: (frames * 1000) / format.sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}
