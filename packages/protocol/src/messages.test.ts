import { describe, expect, it } from 'vitest';
import { CloseCode } from './close-codes.ts';
import { BusError, STREAM_ERRORS, StreamErrorCode } from './errors.ts';
import { EngineConfigSchema, RunFinalizeRequestSchema, RunStartRequestSchema, StreamAdmitResponseSchema, Subjects, parseMessage } from './messages.ts';
import { UNSUPPORTED_PROVIDERS, isUnsupportedProvider } from './providers.ts';

describe('stream error table', () => {
  it('maps every error code to a close code and a short reason', () => {
    for (const code of Object.values(StreamErrorCode)) {
      const row = STREAM_ERRORS[code];
      expect(Object.values(CloseCode)).toContain(row.close);
      expect(row.reason.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(row.reason)).toBeLessThanOrEqual(123);
    }
  });

  it('follows the contract for routing and handshake failures', () => {
    expect(STREAM_ERRORS.unknown_provider.close).toBe(1008);
    expect(STREAM_ERRORS.agent_not_found.close).toBe(1008);
    expect(STREAM_ERRORS.quota_exceeded.close).toBe(1008);
    expect(STREAM_ERRORS.unsupported_provider.close).toBe(1011);
    expect(STREAM_ERRORS.missing_provider_identifier.close).toBe(4400);
    expect(STREAM_ERRORS.session_validation_failed.close).toBe(4400);
    expect(STREAM_ERRORS.duplicate_session).toMatchObject({ close: 4400, reason: 'duplicate session', endReason: 'duplicate_session' });
    expect(STREAM_ERRORS.handshake_timeout.close).toBe(4408);
  });

  it('refuses a bad provider signature 4400 (run invalid_signature) and a connection over its rate 1013', () => {
    expect(STREAM_ERRORS.invalid_signature).toEqual({ close: 4400, reason: 'invalid signature', endReason: 'invalid_signature' });
    expect(STREAM_ERRORS.too_many_connections).toMatchObject({ close: 1013, reason: 'try again later' });
  });
});

describe('providers', () => {
  it('recognises telnyx, vonage and ari without supporting them', () => {
    expect(UNSUPPORTED_PROVIDERS.filter(isUnsupportedProvider)).toEqual(['telnyx', 'vonage', 'ari']);
    expect(isUnsupportedProvider('twilio')).toBe(false);
    expect(isUnsupportedProvider('acme')).toBe(false);
  });
});

describe('messages', () => {
  it('parses valid messages and rejects invalid ones with bus_bad_message', () => {
    expect(parseMessage(StreamAdmitResponseSchema, { ok: false, error: { code: 'quota_exceeded', message: 'x' } })).toMatchObject({ ok: false });
    expect(() => parseMessage(StreamAdmitResponseSchema, { ok: false, error: { code: 'nope', message: 'x' } })).toThrow(BusError);
    expect(() => parseMessage(RunFinalizeRequestSchema, { run_id: 'r', edge_id: 'e', state: 'running', end_reason: 'caller_hangup' })).toThrow(/state/);
  });

  it('carries any registered engine config by type', () => {
    // The wire only names the engine; each engine's own schema (in its package) validates the rest.
    expect(EngineConfigSchema.safeParse({ type: 'echo', hangup_dtmf: '#' }).success).toBe(true);
    expect(EngineConfigSchema.parse({ type: 'bridge', url: 'ws://x' })).toEqual({ type: 'bridge', url: 'ws://x' });
    expect(EngineConfigSchema.safeParse({ type: 'Bad Type' }).success).toBe(false);
    expect(EngineConfigSchema.safeParse({ url: 'ws://x' }).success).toBe(false);
  });

  it('RunStart may carry the upgrade request for a signature check (bounded)', () => {
    const start = { stream_id: 's', custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {} };
    const upgrade = { url: 'wss://voice.example.com/api/v1/agent-stream/twilio/a', signature_headers: { 'x-twilio-signature': 'c2ln' } };
    expect(parseMessage(RunStartRequestSchema, { run_id: 'r', edge_id: 'e', start, upgrade }).upgrade).toEqual(upgrade);
    expect(parseMessage(RunStartRequestSchema, { run_id: 'r', edge_id: 'e', start }).upgrade).toBeUndefined();
    expect(() => parseMessage(RunStartRequestSchema, { run_id: 'r', edge_id: 'e', start, upgrade: { url: 'x'.repeat(20_000), signature_headers: {} } })).toThrow(BusError);
  });

  it('builds per-run control subjects', () => {
    expect(Subjects.runControl('abc')).toBe('vr3.edge.run.abc.control');
  });
});
