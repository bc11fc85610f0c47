import type { RecordingStorageSettings } from '@vr3/recordings';

/** Tunables of the control-plane. Apps read the environment; this package only takes values. */
export interface ControlPlaneConfig {
  /**
   * Where call recordings are stored (VR3_RECORDINGS_DIR / VR3_RECORDINGS_S3_*; the embedded product's
   * data dir by default): `GET /runs/{id}/recording` reads and the retention sweep deletes there.
   * `null`: no recordings are served.
   */
  recordings: RecordingStorageSettings | null;
  /** Recordings stored longer than this many days are deleted by the retention sweep; 0: kept (VR3_RECORDINGS_RETENTION_DAYS). */
  recordingRetentionDays: number;
  /** Period of the recording retention sweep, in milliseconds. */
  recordingSweepIntervalMs: number;
  /**
   * Accept provider API base URLs that are `http://` or whose host is (or resolves to) a loopback,
   * private, link-local, CGNAT, unspecified, multicast, reserved or cloud metadata address, and let
   * provider REST calls connect to such addresses. Off: `https://` only, the host is resolved when
   * a URL is saved (every address must be public) and again by each provider call on the address it
   * connects to. For local stand-ins and tests only; the apps set it from
   * VR3_ALLOW_INSECURE_PROVIDER_URLS.
   */
  allowInsecureProviderUrls: boolean;
  /** Timeout of one provider REST call (session validation, hangup, transfer), in milliseconds. */
  providerTimeoutMs: number;
  /** How long `POST /runs/{id}/hangup` waits for the edge holding the run to answer, in milliseconds. */
  edgeControlTimeoutMs: number;
  /** Attempts of a provider action job (hangup, transfer) before it is recorded as failed. */
  providerActionAttempts: number;
  /** Delay before the first retry of a provider action job, doubled on each further retry, in milliseconds. */
  providerActionBackoffMs: number;
  /**
   * Longest wait for a database connection to open `RunStart`'s short session-lock transaction, in
   * milliseconds. The edge's `RunStart` wait must cover it plus `providerTimeoutMs`.
   */
  transactionMaxWaitMs: number;
  /**
   * `StreamAdmit` requests this replica handles at once; beyond it new ones are refused at once
   * with `overloaded` (the edge closes 1013) instead of queueing for the database past the edge's wait.
   */
  maxPendingAdmissions: number;
  /**
   * A run minted more than this long after the edge's wait for it ran out (`timeout_ms` of the
   * request) is ended at once and its slot given back: the edge has closed that stream. Within it
   * the edge may still have taken the answer, so the run is left to the handshake deadline and the
   * reaper. In milliseconds.
   */
  admissionUndoGraceMs: number;
  /**
   * A live run whose edge has not heart-beaten for this long is ended `failed`/`edge_lost`, in
   * milliseconds. Used only when the control-plane tracks edge liveness (`edgeLiveness` option).
   */
  edgeLostAfterMs: number;
  /** Period of the stale-run reaper (one run per period across the fleet), in milliseconds. */
  reaperIntervalMs: number;
  /**
   * A run still `initialized` this long after it was minted is ended `failed`/`handshake_timeout`
   * by the reaper (freeing its quota slot), in milliseconds: its edge gave up on it (an admission
   * answered after the edge's bus timeout, a lost finalize). Must exceed the edges'
   * `handshakeTimeoutMs` + `runStartTimeoutMs` (the longest a run is legitimately `initialized`:
   * `start` due within the handshake deadline, then the `RunStart` wait), or a call mid-handshake
   * could be ended. Used only with the reaper (`edgeLiveness` option).
   */
  initializedRunTimeoutMs: number;
  /**
   * Database connections `start()` opens at once, each running the admission lookup, so that the
   * first calls after boot do not pay for them (`warm-up.ts`); 0: no warm-up. The rest of the
   * connections the pool keeps open (`minConnections`: the apps keep their whole pool) are opened
   * right after, start-up not waiting for them.
   */
  warmUpConnections: number;
  /**
   * The base URL providers reach the product at (`wss://voice.example.com`: scheme, host, port):
   * every URL given to a provider (stream URLs, answer URLs) is built on it. `null`: unknown, and
   * answer URLs answer 503 `public_url_unknown`. The apps set it from VR3_PUBLIC_URL (the embedded
   * product derives a default from where it listens).
   */
  publicUrl: string | null;
  /**
   * How long the stream token of an outbound call stays valid after the call is placed, in
   * milliseconds: the call must ring, be answered and open its stream within it. An outbound run
   * still waiting that long (plus `initializedRunTimeoutMs`) is ended by the reaper. The apps set
   * it from VR3_OUTBOUND_STREAM_TOKEN_TTL_MS.
   */
  outboundStreamTokenTtlMs: number;
  /**
   * Period of the campaign dialer's tick (one per period for the fleet), in milliseconds: how soon a
   * campaign's ended calls free their place and its next slots are given (`campaigns/dialer.ts`).
   */
  campaignTickMs: number;
  /** A signed-in person's session unused this long ends, in milliseconds (VR3_SESSION_IDLE_TIMEOUT_MS). */
  sessionIdleTimeoutMs: number;
  /** A session ends this long after sign-in however much it is used, in milliseconds (VR3_SESSION_MAX_AGE_MS). */
  sessionMaxAgeMs: number;
  /** Attempts at delivering one webhook event before it is given up (VR3_WEBHOOK_ATTEMPTS). */
  webhookAttempts: number;
  /** Delay before the first webhook retry, doubled for each further one, in milliseconds (VR3_WEBHOOK_BACKOFF_MS). */
  webhookBackoffMs: number;
  /** Longest delay between two webhook attempts, in milliseconds (VR3_WEBHOOK_MAX_BACKOFF_MS). */
  webhookMaxBackoffMs: number;
  /** Deadline of one webhook attempt (connect, send, answer's status), in milliseconds (VR3_WEBHOOK_TIMEOUT_MS). */
  webhookTimeoutMs: number;
}

/** Defaults of {@link ControlPlaneConfig}. */
export const DEFAULT_CONTROL_PLANE_CONFIG: Readonly<ControlPlaneConfig> = Object.freeze({
  recordings: null,
  recordingRetentionDays: 30,
  /** 1 hour: retention is counted in days. */
  recordingSweepIntervalMs: 3_600_000,
  allowInsecureProviderUrls: false,
  providerTimeoutMs: 5_000,
  edgeControlTimeoutMs: 2_000,
  providerActionAttempts: 5,
  providerActionBackoffMs: 500,
  /** 2 s: the session lock is held for two statements; 5 s provider + 2 s + 1 s of margin = the edge's 8 s `RunStart` wait. */
  transactionMaxWaitMs: 2_000,
  /**
   * 256: an admission takes a few milliseconds of database work, so 256 in line clear well inside
   * the edge's 2 s wait; a burst past that is refused with 1013 at once rather than timing out.
   */
  maxPendingAdmissions: 256,
  /** 500 ms: longer than the edge takes to act on an answer that arrived just in time. */
  admissionUndoGraceMs: 500,
  edgeLostAfterMs: 30_000,
  reaperIntervalMs: 5_000,
  /** 30 s: the edge's default handshake deadline (10 s) + `RunStart` wait (8 s) + 12 s of margin. */
  initializedRunTimeoutMs: 30_000,
  /** 8: a burst's first admissions each need a connection; more would only be closed again idle. */
  warmUpConnections: 8,
  publicUrl: null,
  /** 2 minutes: providers ring for about a minute before giving up. */
  outboundStreamTokenTtlMs: 120_000,
  /** 1 s: a campaign's freed places are dialled again within a second. */
  campaignTickMs: 1_000,
  /** 8 hours: a working day of console use without signing in again. */
  sessionIdleTimeoutMs: 8 * 3_600_000,
  /** 7 days: then the password is asked for again, however active the session. */
  sessionMaxAgeMs: 7 * 24 * 3_600_000,
  /**
   * 14 attempts, the retries 30 s apart doubling up to 6 h: 30 s, 1, 2, 4, 8, 16, 32, 64, 128,
   * 256 min, then 6 h three times: the last attempt comes about 26.5 h after the first.
   */
  webhookAttempts: 14,
  webhookBackoffMs: 30_000,
  webhookMaxBackoffMs: 6 * 3_600_000,
  /** 10 s: a receiver should answer at once and do its work afterwards. */
  webhookTimeoutMs: 10_000,
});

/** Defaults overlaid with the given values (`undefined` keeps the default). */
export function resolveConfig(overrides: Partial<ControlPlaneConfig> = {}): ControlPlaneConfig {
  const config: ControlPlaneConfig = { ...DEFAULT_CONTROL_PLANE_CONFIG };
  for (const [key, value] of Object.entries(overrides) as [keyof ControlPlaneConfig, unknown][]) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}
