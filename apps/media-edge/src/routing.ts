import { createHash } from 'node:crypto';
import { isSafeText } from '@vr3/protocol';

/** Path prefix of the Agent Stream endpoint. */
export const AGENT_STREAM_PATH_PREFIX = '/api/v1/agent-stream/';

/** What the stream URL says. Never log it: the agent UUID authorizes the stream. */
export interface StreamRoute {
  /** Empty when the path has no usable agent UUID. */
  agentUuid: string;
  /** Lower-cased `provider` (query, or the path form `/agent-stream/{provider}/{uuid}`); empty when absent. */
  provider: string;
  /** Every query parameter (first value of a repeated key). */
  query: Record<string, string>;
}

/**
 * Parses `/api/v1/agent-stream/{agent_uuid}?provider=…`, `/api/v1/agent-stream/{provider}/{agent_uuid}`
 * and the run-bound `/api/v1/agent-stream/{provider}/{agent_uuid}/{stream_token}` (the token lands
 * in `query.stream_token`, as the query form of a run-bound stream URL carries it).
 * Returns null when the path is not under {@link AGENT_STREAM_PATH_PREFIX}.
 */
export function parseStreamRoute(url: string | undefined): StreamRoute | null {
  if (!url) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith(AGENT_STREAM_PATH_PREFIX)) return null;
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(q < 0 ? '' : url.slice(q + 1))) {
    if (!(key in query)) query[key] = value;
  }
  const segments = path.slice(AGENT_STREAM_PATH_PREFIX.length).split('/').filter((s) => s !== '').map(safeDecode);
  let provider = query.provider ?? '';
  let agentUuid = '';
  if (segments.length === 1) agentUuid = segments[0]!;
  else if (segments.length === 2 || segments.length === 3) {
    provider ||= segments[0]!;
    agentUuid = segments[1]!;
    // The run-bound path form of an outbound call: its stream token as a third segment.
    if (segments.length === 3 && !('stream_token' in query)) query['stream_token'] = segments[2]!;
  }
  return { agentUuid, provider: provider.toLowerCase(), query };
}

/** A short, non-reversible reference to an agent UUID, safe to log. */
export function agentRef(agentUuid: string): string {
  return createHash('sha256').update(agentUuid).digest('hex').slice(0, 8);
}

/** The decoded segment; empty when it does not decode or decodes to NUL (`%00`), which names nothing. */
function safeDecode(segment: string): string {
  try {
    const decoded = decodeURIComponent(segment);
    return isSafeText(decoded) ? decoded : '';
  } catch {
    return '';
  }
}
