import { markerLayout, MARKER_SEQ_MODULO, writeMarker } from '../audio/marker.ts';
import { encodeWire, frameSamples, type WireFormat } from '../audio/wire-format.ts';

/**
 * The base64 payloads of every marked frame (one per sequence number mod 4096), computed once per
 * format so that sending a frame is a string concatenation.
 */
export function markedFrames(format: WireFormat): readonly string[] {
  const layout = markerLayout(format);
  const frame = new Int16Array(frameSamples(format));
  const out: string[] = new Array<string>(MARKER_SEQ_MODULO);
  for (let seq = 0; seq < MARKER_SEQ_MODULO; seq++) {
    frame.fill(0);
    writeMarker(frame, seq, layout);
    out[seq] = Buffer.from(encodeWire(format, frame)).toString('base64');
  }
  return out;
}
