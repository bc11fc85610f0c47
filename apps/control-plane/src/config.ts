/** Tunables of the control-plane. Apps read the environment; this package only takes values. */
export interface ControlPlaneConfig {
  /**
   * Accept `http://` (not only `https://`) provider API base URLs on telephony configurations.
   * For local stand-ins and tests only; the embedded app sets it from VR3_ALLOW_INSECURE_PROVIDER_URLS.
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
  /** Longest wait for the quota transaction to get a database connection, in milliseconds. */
  admitTransactionMaxWaitMs: number;
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
}

/** Defaults of {@link ControlPlaneConfig}. */
export const DEFAULT_CONTROL_PLANE_CONFIG: Readonly<ControlPlaneConfig> = Object.freeze({
  allowInsecureProviderUrls: false,
  providerTimeoutMs: 5_000,
  edgeControlTimeoutMs: 2_000,
  providerActionAttempts: 5,
  providerActionBackoffMs: 500,
  admitTransactionMaxWaitMs: 10_000,
  edgeLostAfterMs: 30_000,
  reaperIntervalMs: 5_000,
  /** 30 s: the edge's default handshake deadline (10 s) + `RunStart` wait (8 s) + 12 s of margin. */
  initializedRunTimeoutMs: 30_000,
});

/** Defaults overlaid with the given values (`undefined` keeps the default). */
export function resolveConfig(overrides: Partial<ControlPlaneConfig> = {}): ControlPlaneConfig {
  const config: ControlPlaneConfig = { ...DEFAULT_CONTROL_PLANE_CONFIG };
  for (const [key, value] of Object.entries(overrides) as [keyof ControlPlaneConfig, unknown][]) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}
