import type { Engine } from '@vr3/agent';
import { connectOpenAiRealtime, OPENAI_REALTIME_DEFAULTS, type OpenAiRealtimeOptions } from '@vr3/vendors';
import { RealtimeSession } from './session.ts';
import { realtimeRuntimeSpec, type RealtimeRuntimeConfig } from './spec.ts';

/** Path of the Realtime endpoint under a credential's `base_url`. */
export const REALTIME_PATH = '/v1/realtime';

/**
 * The Realtime WebSocket endpoint of a credential: the vendor's own without a `base_url`, else the
 * `base_url` with `https`→`wss` (`http`→`ws`) and {@link REALTIME_PATH} appended, as the other
 * OpenAI-compatible paths are.
 */
export function realtimeUrlOf(baseUrl: string | null): string {
  if (baseUrl === null) return OPENAI_REALTIME_DEFAULTS.url;
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'http:' ? 'ws:' : url.protocol === 'https:' ? 'wss:' : url.protocol;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${REALTIME_PATH}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Options of {@link createRealtimeEngine}. */
export interface RealtimeEngineOptions {
  /** Client timeouts and bounds (handshake, close, payload, send buffer); the defaults otherwise. */
  client?: Pick<OpenAiRealtimeOptions, 'handshakeTimeoutMs' | 'closeTimeoutMs' | 'maxPayloadBytes' | 'maxBufferedBytes'> | undefined;
  /**
   * How long an open session may leave a `session.update` or a `response.create` unanswered
   * (`session.updated`, `response.created`) before the call fails with `vendor_timeout`. Default:
   * the client's `handshakeTimeoutMs` (the operator's vendor deadline), else 10 s.
   */
  replyTimeoutMs?: number | undefined;
}

/**
 * The `realtime` engine: one OpenAI Realtime session per call. Sessions get their credential in the
 * configuration the control-plane admitted (in memory only).
 */
export function createRealtimeEngine(options: RealtimeEngineOptions = {}): Engine<RealtimeRuntimeConfig> {
  const replyTimeoutMs = options.replyTimeoutMs ?? options.client?.handshakeTimeoutMs ?? OPENAI_REALTIME_DEFAULTS.handshakeTimeoutMs;
  if (!Number.isFinite(replyTimeoutMs) || replyTimeoutMs <= 0) throw new RangeError('replyTimeoutMs must be a positive number of milliseconds');
  return {
    spec: realtimeRuntimeSpec,
    createSession: (ctx) => {
      const { llm } = ctx.config;
      const url = realtimeUrlOf(llm.base_url);
      return new RealtimeSession({
        ctx,
        replyTimeoutMs,
        connect: ({ signal, onEvent }) =>
          connectOpenAiRealtime({ ...options.client, url, apiKey: llm.api_key, model: llm.model, vendor: llm.vendor, addressPolicy: llm.address_policy, signal, onEvent }),
      });
    },
  };
}
