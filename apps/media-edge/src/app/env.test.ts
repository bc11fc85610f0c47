import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_EDGE_CONFIG } from '../config.ts';
import { ConfigError, loadMediaEdgeEnv, MEDIA_EDGE_DEFAULTS } from './env.ts';

const NATS = { NATS_URL: 'nats://127.0.0.1:4222' };

describe('loadMediaEdgeEnv: RunStart timeout', () => {
  it('defaults to 8 s, above the control-plane default provider timeout (5 s), separate from the 2 s bus timeout', () => {
    const env = loadMediaEdgeEnv(NATS);
    expect(env.runStartTimeoutMs).toBe(8_000);
    expect(MEDIA_EDGE_DEFAULTS.runStartTimeoutMs).toBe(DEFAULT_MEDIA_EDGE_CONFIG.runStartTimeoutMs);
    expect(env.runStartTimeoutMs).toBeGreaterThan(5_000);
    expect(env.busRequestTimeoutMs).toBe(2_000);
  });

  it('reads VR3_RUN_START_TIMEOUT_MS and refuses bad values naming it', () => {
    expect(loadMediaEdgeEnv({ ...NATS, VR3_RUN_START_TIMEOUT_MS: '12000' }).runStartTimeoutMs).toBe(12_000);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_RUN_START_TIMEOUT_MS: '5' })).toThrow(ConfigError);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_RUN_START_TIMEOUT_MS: 'soon' })).toThrow(/VR3_RUN_START_TIMEOUT_MS/);
  });
});
