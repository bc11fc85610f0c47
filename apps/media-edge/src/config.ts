import { isPublicBaseUrl } from '@vr3/env';
import { MAX_RUN_EVENT_BYTES } from '@vr3/protocol';
import { z } from 'zod';
import { TrustedProxies } from './admission/client-address.ts';
import { MediaEdgeError, MediaEdgeErrorCode } from './errors.ts';

/** Tunables of a media-edge. Every duration is in milliseconds, every size in bytes. */
export interface MediaEdgeConfig {
  /** Deadline from socket open until the provider's `start` has arrived; then 4408. */
  handshakeTimeoutMs: number;
  /** Timeout of every bus request (admit, action, events, one finalize attempt) except `RunStart`. */
  busRequestTimeoutMs: number;
  /**
   * Timeout of the `RunStart` request, which includes the control-plane's provider session
   * validation: keep it above the control-plane's provider timeout (plus its database work), so
   * a slow provider ends as 4400 `session validation failed`, not 1011.
   */
  runStartTimeoutMs: number;
  /** Largest inbound WebSocket message; larger ones are closed by `ws` with 1009. */
  maxPayloadBytes: number;
  /** After sending a close frame, how long to wait for the peer's before `terminate()`. */
  closeTimeoutMs: number;
  /** Outbound audio held per call, in milliseconds of audio; beyond it the oldest frames are dropped. */
  maxOutboundBufferMs: number;
  /** Outbound frames sent ahead of real time so provider-side jitter does not starve playback. */
  outboundLeadFrames: number;
  /** Socket send buffer (`ws.bufferedAmount`) above which outbound audio frames are dropped. */
  maxSocketBufferedBytes: number;
  /** Frames tolerated before `start` that the adapter ignores (unknown events); one more is malformed. */
  maxHandshakeFrames: number;
  /** Interval of the `EdgeHeartbeat` publication. */
  heartbeatIntervalMs: number;
  /** Default time `close()` lets live calls end on their own before ending them with `edge_shutdown`. */
  drainTimeoutMs: number;
  /** Attempts of the `RunFinalize` request before giving up (the control-plane reaper then ends the run). */
  finalizeAttempts: number;
  /** Delay before the second finalize attempt; doubles on each further attempt. */
  finalizeBackoffMs: number;
  /** Concurrent calls this edge accepts; further streams are closed with 1013. */
  maxCalls: number;
  /**
   * Sockets from one source address that may be open without their provider `start` (pending
   * handshakes); a further socket from that address is closed at once with 1013
   * `too_many_pending_handshakes`, before any bus request.
   */
  maxPendingHandshakesPerAddress: number;
  /**
   * Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the stream's source address for
   * the per-address bound: a load balancer that terminates the provider's TCP connection. Empty:
   * the TCP peer is the source.
   */
  trustedProxies: string[];
  /**
   * `StreamAdmit` requests this edge may have awaiting their answer; a further stream is closed at
   * once with 1013 `overloaded`, before any bus request.
   */
  maxPendingAdmissions: number;
  /**
   * How long the edge waits for an engine session's `close()` when the call ends; the run is
   * finalized after at most this long, whether the engine finished or not.
   */
  engineCloseTimeoutMs: number;
  /**
   * Caller audio kept between `start` and `running`, in milliseconds of wire audio, handed to the
   * engine once it starts; beyond it the oldest frames are dropped and counted.
   */
  earlyAudioMaxMs: number;
  /** Run events queued per call at most (waiting for the bus); beyond it the oldest are dropped and counted. */
  maxQueuedRunEvents: number;
  /** Bytes of run event data (JSON) queued per call at most; beyond it the oldest events are dropped and counted. */
  maxQueuedRunEventBytes: number;
  /** Delay before re-sending a batch of run events after a bus failure; doubles on each further failure, up to 5 s. */
  runEventsRetryBackoffMs: number;
  /** When a call ends, how long its remaining run events may take to reach the control-plane before the run is finalized anyway. */
  runEventsFlushTimeoutMs: number;
  /**
   * New connections per second one source address may open, sustained (a token bucket per
   * address, with {@link connectionBurstPerAddress}); a connection beyond it is closed at once with
   * 1013 `too_many_connections`, before any bus request.
   */
  connectionsPerSecondPerAddress: number;
  /** New connections one source address may open at once (the bucket's size). */
  connectionBurstPerAddress: number;
  /**
   * Inbound frames per second one call may send, sustained (a token bucket per call, with
   * {@link inboundFrameBurst}); a provider over it is cut off: close 1008, run
   * `failed`/`frame_rate_exceeded`, and a `log` run event says why.
   */
  maxInboundFramesPerSecond: number;
  /** Inbound frames one call may send at once above the sustained rate (the bucket's size). */
  inboundFrameBurst: number;
  /** Refused streams are logged as one line per code and source address per this interval, with the count. */
  refusalLogIntervalMs: number;
  /**
   * The public base URL providers reach this edge at (`wss://voice.example.com`: scheme, host and
   * port only), or null. With it, the URL of each stream's upgrade request (this base + the request's
   * path and query) goes to the control-plane with the provider's signature headers, which checks
   * the signature (Twilio `X-Twilio-Signature`) against the stored credentials; without it no
   * signature can be checked.
   */
  publicUrl: string | null;
}

/** Defaults of {@link MediaEdgeConfig}. */
export const DEFAULT_MEDIA_EDGE_CONFIG: Readonly<MediaEdgeConfig> = Object.freeze({
  /** 10 s, as the Agent Stream contract's reference implementation. */
  handshakeTimeoutMs: 10_000,
  /** 2 s: a stream never waits longer than this for one control-plane answer. */
  busRequestTimeoutMs: 2_000,
  /** 8 s: the control-plane's default provider timeout (5 s) plus 3 s for its database work and the bus. */
  runStartTimeoutMs: 8_000,
  /** 64 KiB: a 20 ms media frame is well under 1 KiB; `start` with custom parameters a few KiB. */
  maxPayloadBytes: 64 * 1024,
  /** 2 s for the close handshake, then the TCP socket is destroyed. */
  closeTimeoutMs: 2_000,
  /** 3 s of outbound audio per call (150 frames of 20 ms). */
  maxOutboundBufferMs: 3_000,
  /** 3 frames (60 ms) ahead of real time. */
  outboundLeadFrames: 3,
  /** 32 KiB: about two seconds of μ-law media frames stuck in the socket. */
  maxSocketBufferedBytes: 32 * 1024,
  /** 4 ignored frames before `start`. */
  maxHandshakeFrames: 4,
  /** 5 s between heartbeats. */
  heartbeatIntervalMs: 5_000,
  /** 30 s for live calls to end on their own during shutdown. */
  drainTimeoutMs: 30_000,
  /** 5 attempts: 0.2 + 0.4 + 0.8 + 1.6 s of backoff between them. */
  finalizeAttempts: 5,
  /** 200 ms before the first retry. */
  finalizeBackoffMs: 200,
  /** 1000 concurrent calls. */
  maxCalls: 1_000,
  /** 128: providers send `start` within milliseconds; room for a 200/s burst from one media server while a busy edge takes 0.5 s to read each `start`. */
  maxPendingHandshakesPerAddress: 128,
  /** None: the edge counts the TCP peer unless told which proxy in front of it to believe. */
  trustedProxies: [],
  /** 256: an admission takes milliseconds, so even thousands of new calls per second keep far fewer in flight; more means the control-plane is not keeping up. */
  maxPendingAdmissions: 256,
  /** 2 s for an engine to hang up its remote end (a bot socket, a vendor stream). */
  engineCloseTimeoutMs: 2_000,
  /** 2 s: under load the run can take ~0.6 s to become `running`; the caller's first words are kept. */
  earlyAudioMaxMs: 2_000,
  /** 500 events: far more than a call produces between two flushes. */
  maxQueuedRunEvents: 500,
  /** 256 KiB of event data per call. */
  maxQueuedRunEventBytes: 256 * 1024,
  /** 100 ms before the first re-send: 0.1, 0.2, 0.4 … 5 s. */
  runEventsRetryBackoffMs: 100,
  /** 2 s for the last events before the run is finalized. */
  runEventsFlushTimeoutMs: 2_000,
  /** 50 new connections a second from one address, sustained: 180 000 calls an hour from one media server. */
  connectionsPerSecondPerAddress: 50,
  /** 200 at once: the burst the pending-handshake bound is sized for. */
  connectionBurstPerAddress: 200,
  /** 500 frames a second: 10× a real-time 20 ms stream (50 a second); a flood is cut off within milliseconds. */
  maxInboundFramesPerSecond: 500,
  /** 1000 frames above the rate: 20 s of 20 ms audio a provider may flush at once after a network stall. */
  inboundFrameBurst: 1_000,
  /** One `stream refused` line per code and source address every 10 s at most. */
  refusalLogIntervalMs: 10_000,
  /** Unknown: upgrade signatures are not checked. */
  publicUrl: null,
});

const positiveInt = z.number().int().positive();
const ConfigSchema = z.object({
  handshakeTimeoutMs: positiveInt,
  busRequestTimeoutMs: positiveInt,
  runStartTimeoutMs: positiveInt,
  maxPayloadBytes: positiveInt.min(1024),
  closeTimeoutMs: positiveInt,
  maxOutboundBufferMs: positiveInt.min(20),
  outboundLeadFrames: z.number().int().min(0).max(50),
  maxSocketBufferedBytes: positiveInt,
  maxHandshakeFrames: z.number().int().min(0),
  heartbeatIntervalMs: positiveInt,
  drainTimeoutMs: z.number().int().min(0),
  finalizeAttempts: positiveInt.max(20),
  finalizeBackoffMs: z.number().int().min(0),
  maxCalls: positiveInt,
  maxPendingHandshakesPerAddress: positiveInt,
  trustedProxies: z.array(z.string()).superRefine((entries, ctx) => {
    try {
      new TrustedProxies(entries);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  maxPendingAdmissions: positiveInt,
  engineCloseTimeoutMs: z.number().int().min(0),
  earlyAudioMaxMs: z.number().int().min(0).max(10_000),
  maxQueuedRunEvents: positiveInt.max(10_000),
  maxQueuedRunEventBytes: positiveInt.min(MAX_RUN_EVENT_BYTES),
  runEventsRetryBackoffMs: positiveInt,
  runEventsFlushTimeoutMs: z.number().int().min(0),
  connectionsPerSecondPerAddress: positiveInt,
  connectionBurstPerAddress: positiveInt,
  maxInboundFramesPerSecond: positiveInt,
  inboundFrameBurst: positiveInt,
  refusalLogIntervalMs: positiveInt,
  publicUrl: z
    .string()
    .nullable()
    .refine((url) => url === null || isPublicBaseUrl(url), 'a ws, wss, http or https URL with a host and nothing after it (no path, query or fragment)'),
});

/** `wss://host[:port]` (or ws, http, https) and nothing after it: what {@link MediaEdgeConfig.publicUrl} takes (shared with every app's `VR3_PUBLIC_URL`). */
export { isPublicBaseUrl };

/** Merges `overrides` over {@link DEFAULT_MEDIA_EDGE_CONFIG}; throws `MediaEdgeError(invalid_config)` naming the field. */
export function resolveMediaEdgeConfig(overrides: Partial<MediaEdgeConfig> = {}): MediaEdgeConfig {
  const merged = { ...DEFAULT_MEDIA_EDGE_CONFIG, ...stripUndefined(overrides) };
  const result = ConfigSchema.strict().safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    throw new MediaEdgeError(MediaEdgeErrorCode.InvalidConfig, `invalid media-edge config: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
