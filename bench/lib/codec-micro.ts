/**
 * Per-frame cost of the media path's building blocks, measured in this process: μ-law decode,
 * resampling 8→16 and 16→8 kHz (into reused buffers, as the product does), μ-law encode, base64 both
 * ways, the Cloudonix adapter's parse and media frame (as bytes, as the product sends it), and the whole inbound + outbound path with the engine at 16 kHz (both resamplers)
 * and at 8 kHz (none). Each figure is the median of several timed batches of 20 ms frames.
 */
import { mulawDecode, mulawEncode, Resampler } from '@vr3/codec';
import { getProvider } from '@vr3/providers';

/** Nanoseconds per 20 ms frame, by operation. */
export type CodecCosts = Record<string, number>;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Times `fn` over `batches` batches of `frames` calls; ns per call (median batch). */
function time(fn: () => number, frames: number, batches: number): number {
  let sink = 0;
  for (let i = 0; i < frames; i++) sink += fn(); // warm-up, JIT
  const per: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < frames; i++) sink += fn();
    per.push(Number(process.hrtime.bigint() - t0) / frames);
  }
  if (sink === 0.5) process.stdout.write(''); // keep `sink` alive
  return Math.round(median(per));
}

/** Runs the microbenchmark (about `frames × (batches + 1) × 12` frame operations). */
export function runCodecMicro(frames = 20_000, batches = 7): CodecCosts {
  const wire = new Uint8Array(160);
  for (let i = 0; i < 160; i++) wire[i] = mulawEncode(Int16Array.of(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000))))[0]!;
  const scratch = new Int16Array(160);
  const pcm8 = mulawDecode(wire);
  const up = new Resampler(8000, 16000);
  const down = new Resampler(16000, 8000);
  const pcm16 = up.process(pcm8);
  const b64 = Buffer.from(wire).toString('base64');
  const provider = getProvider('cloudonix');
  const adapter = provider.createStreamAdapter();
  const start = adapter.parse(
    JSON.stringify({ event: 'start', streamSid: 'MZbench', start: { streamSid: 'MZbench', callSid: 'CAbench', accountSid: 'acme', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }),
    false,
  );
  if (start?.type !== 'start') throw new Error('the Cloudonix adapter did not parse start');
  adapter.bind(start);
  const mediaFrame = Buffer.from(
    `{"event":"media","sequenceNumber":"7","streamSid":"MZbench","media":{"track":"inbound","chunk":"6","timestamp":"100","payload":"${b64}"}}`,
  );
  const wireBuf = Buffer.from(wire);

  // The media-edge path per inbound frame, as the product runs it: parse (byte scanner, base64 from
  // the frame's bytes) → decode into a per-call scratch → (resample up into a scratch) → engine →
  // (resample down into a scratch) → encode into a pooled Buffer → media frame as bytes.
  const path16Up = new Resampler(8000, 16000);
  const path16Down = new Resampler(16000, 8000);
  const mid = new Int16Array(320);
  const back = new Int16Array(160);
  const fullPath = (resample: boolean): number => {
    const event = adapter.parse(mediaFrame, false);
    if (event?.type !== 'media') return 0;
    let pcm = mulawDecode(event.payload, scratch);
    if (resample) pcm = path16Down.process(path16Up.process(pcm, mid), back);
    const bytes = mulawEncode(pcm, Buffer.allocUnsafe(pcm.length));
    return adapter.mediaBytes ? adapter.mediaBytes(bytes as Buffer).length : adapter.media(Buffer.from(bytes)).length;
  };

  return {
    mulaw_decode: time(() => mulawDecode(wire, scratch)[0]!, frames, batches),
    resample_8k_to_16k: time(() => up.process(pcm8, mid)[0]!, frames, batches),
    resample_16k_to_8k: time(() => down.process(pcm16, back)[0]!, frames, batches),
    mulaw_encode: time(() => mulawEncode(pcm8)[0]!, frames, batches),
    base64_decode: time(() => Buffer.from(b64, 'base64')[0]!, frames, batches),
    base64_encode: time(() => wireBuf.toString('base64').length, frames, batches),
    adapter_parse_media: time(() => (adapter.parse(mediaFrame, false) === null ? 0 : 1), frames, batches),
    adapter_media_frame: time(() => (adapter.mediaBytes ? adapter.mediaBytes(wireBuf) : adapter.media(wireBuf)).length, frames, batches),
    path_engine_16k: time(() => fullPath(true), frames, batches),
    path_engine_8k: time(() => fullPath(false), frames, batches),
  };
}

if (process.argv[1] === import.meta.filename) {
  const costs = runCodecMicro();
  for (const [k, v] of Object.entries(costs)) process.stdout.write(`${k.padEnd(22)} ${(v / 1000).toFixed(2).padStart(8)} µs/frame\n`);
}
