import { ServerFrameKind, type ServerFrame } from './peer.ts';

/**
 * The slow path of {@link ProviderPeer.read}: parses a frame as JSON and fills `out` for the given
 * event names. Used for everything but the media fast path, and for media frames whose keys are not
 * in the expected order.
 */
export function readJsonFrame(
  data: Buffer,
  isBinary: boolean,
  out: ServerFrame,
  names: { media: string; mark: string; markKey: string; clear: string },
): ServerFrameKind {
  out.event = '';
  if (isBinary) return (out.kind = ServerFrameKind.Invalid);
  let frame: unknown;
  try {
    frame = JSON.parse(data.toString('utf8'));
  } catch {
    return (out.kind = ServerFrameKind.Invalid);
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return (out.kind = ServerFrameKind.Invalid);
  const f = frame as Record<string, unknown>;
  const event = typeof f.event === 'string' ? f.event : '';
  out.event = event;
  if (event === names.media) {
    const media = f.media as { payload?: unknown } | undefined;
    if (typeof media?.payload !== 'string') return (out.kind = ServerFrameKind.Invalid);
    const bytes = Buffer.from(media.payload, 'latin1');
    out.bytes = bytes;
    out.start = 0;
    out.end = bytes.length;
    return (out.kind = ServerFrameKind.Media);
  }
  if (event === names.mark) {
    const holder = f[names.markKey] as { name?: unknown } | undefined;
    const name = names.markKey === '' ? f.name : holder?.name;
    out.name = typeof name === 'string' ? name : '';
    return (out.kind = ServerFrameKind.Mark);
  }
  if (event === names.clear) return (out.kind = ServerFrameKind.Clear);
  return (out.kind = ServerFrameKind.Other);
}

/** True when `data` starts with the bytes of `prefix`. */
export function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

const MEDIA_EVENT = Buffer.from('{"event":"media"');
const PAYLOAD_KEY = Buffer.from('"payload":"');
const QUOTE = 0x22;

/**
 * The fast path for media frames that start with `{"event":"media"` (how the product and the
 * providers write them): finds the `"payload":"…"` string by byte search, without parsing.
 * The payload is base64, so it holds no escapes. Returns false to fall back to JSON.
 */
export function readMediaFast(data: Buffer, out: ServerFrame): boolean {
  if (!startsWith(data, MEDIA_EVENT)) return false;
  const key = data.indexOf(PAYLOAD_KEY, MEDIA_EVENT.length);
  if (key < 0) return false;
  const start = key + PAYLOAD_KEY.length;
  const end = data.indexOf(QUOTE, start);
  if (end < 0) return false;
  out.kind = ServerFrameKind.Media;
  out.event = 'media';
  out.bytes = data;
  out.start = start;
  out.end = end;
  return true;
}
