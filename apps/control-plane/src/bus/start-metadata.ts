/** Bounds on what `RunStart` stores of the provider's `start` payload (`logs.inbound_webhook.start`). */
export interface StartMetadataLimits {
  /** Largest stored payload, in bytes of UTF-8 JSON (the `_truncated` marker included). */
  maxBytes: number;
  /** Longest stored string, in UTF-8 bytes before the truncation marker. */
  maxStringBytes: number;
  /** Deepest nesting kept (the payload itself is depth 1); deeper values are dropped and counted. */
  maxDepth: number;
}

/** Defaults of {@link StartMetadataLimits}: 8 KiB in all, 1 KiB per string, 6 levels. */
export const START_METADATA_LIMITS: StartMetadataLimits = { maxBytes: 8192, maxStringBytes: 1024, maxDepth: 6 };

/** Key added to the stored payload when keys or array items were dropped: `{ dropped: <count> }`. */
export const TRUNCATED_KEY = '_truncated';

/**
 * Keys kept first, in this order, at any depth (compared lower-case without `_`/`-`), whatever the
 * provider's spelling: ids, numbers, the nested `start` object of Twilio-style payloads, the media
 * format, then custom parameters. Other keys follow in payload order while the budget lasts.
 */
const KNOWN_KEYS = [
  'event',
  'streamsid', 'streamid', 'stream',
  'callsid', 'callid', 'calluuid',
  'sessionid', 'session',
  'accountsid', 'accountid', 'authid', 'domain',
  'from', 'to', 'tracks',
  'start',
  'mediaformat', 'contenttype', 'encoding', 'samplerate', 'channels',
  'customparameters', 'customparams',
];
const KNOWN_RANK = new Map(KNOWN_KEYS.map((k, i) => [k, i]));
const rankOf = (key: string): number => KNOWN_RANK.get(key.toLowerCase().replace(/[-_]/g, '')) ?? KNOWN_KEYS.length;

/** Room kept for `,"_truncated":{"dropped":<n>}` so the marker never pushes the total past the bound. */
const MARKER_RESERVE = 40;
const encoder = new TextEncoder();
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** `value` cut to at most `max` UTF-8 bytes (never inside a character), marked `…[truncated N bytes]`. */
export function truncateString(value: string, max: number): string {
  const total = Buffer.byteLength(value);
  if (total <= max) return value;
  const { read, written } = encoder.encodeInto(value, new Uint8Array(max));
  return `${value.slice(0, read)}…[truncated ${total - written} bytes]`;
}

interface Walk {
  limits: StartMetadataLimits;
  dropped: number;
}

/** The bounded copy of `value` if it fits in `budget` bytes of JSON, else `undefined` (the caller counts the drop). */
function fit(walk: Walk, value: unknown, budget: number, depth: number): unknown {
  if (typeof value === 'string') {
    const s = truncateString(value, walk.limits.maxStringBytes);
    return bytes(s) <= budget ? s : undefined;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return bytes(value) <= budget ? value : undefined;
  if (typeof value !== 'object' || depth > walk.limits.maxDepth || budget < 2) return undefined;
  let used = 2; // the brackets
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const child = fit(walk, item, budget - used - (out.length > 0 ? 1 : 0), depth + 1);
      if (child === undefined) {
        walk.dropped++;
        continue;
      }
      used += bytes(child) + (out.length > 0 ? 1 : 0);
      out.push(child);
    }
    return out;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .map((entry, index) => ({ entry, index, rank: rankOf(entry[0]) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const { entry: [key, item] } of entries) {
    const overhead = bytes(key) + 1 + (count > 0 ? 1 : 0);
    const child = fit(walk, item, budget - used - overhead, depth + 1);
    if (child === undefined) {
      walk.dropped++;
      continue;
    }
    used += overhead + bytes(child);
    out[key] = child;
    count++;
  }
  return out;
}

/**
 * What `RunStart` stores of the provider's `start` payload: a copy of at most `limits.maxBytes` of
 * JSON. Known keys (ids, numbers, media format, custom parameters) are placed first so they survive;
 * strings longer than `limits.maxStringBytes` are cut with a `…[truncated N bytes]` marker; keys and
 * array items that no longer fit, or nest deeper than `limits.maxDepth`, are dropped and counted under
 * `_truncated: { dropped }`. A payload within the bounds is returned unchanged (a copy). Pure.
 */
export function boundStartMetadata(metadata: Record<string, unknown>, limits: StartMetadataLimits = START_METADATA_LIMITS): Record<string, unknown> {
  const walk: Walk = { limits, dropped: 0 };
  const out = (fit(walk, metadata, limits.maxBytes - MARKER_RESERVE, 1) ?? {}) as Record<string, unknown>;
  if (walk.dropped > 0) out[TRUNCATED_KEY] = { dropped: walk.dropped };
  return out;
}
