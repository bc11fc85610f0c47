import { describe, expect, it } from 'vitest';
import { agentRef, parseStreamRoute } from './routing.ts';

describe('parseStreamRoute', () => {
  it('reads the agent UUID from the path and every query parameter', () => {
    expect(parseStreamRoute('/api/v1/agent-stream/abc-123?provider=cloudonix&Domain=acme&from=%2B1555&callId=c1')).toEqual({
      agentUuid: 'abc-123',
      provider: 'cloudonix',
      query: { provider: 'cloudonix', Domain: 'acme', from: '+1555', callId: 'c1' },
    });
  });

  it('accepts the provider in the path for carriers that forbid query strings', () => {
    expect(parseStreamRoute('/api/v1/agent-stream/twilio/abc-123')).toMatchObject({ agentUuid: 'abc-123', provider: 'twilio', query: {} });
  });

  it('takes a third path segment as the stream token of a run-bound stream URL; the query form wins', () => {
    expect(parseStreamRoute('/api/v1/agent-stream/twilio/abc-123/tok-1')).toMatchObject({ agentUuid: 'abc-123', provider: 'twilio', query: { stream_token: 'tok-1' } });
    expect(parseStreamRoute('/api/v1/agent-stream/vobiz/abc-123/tok-1?stream_token=tok-2')?.query).toEqual({ stream_token: 'tok-2' });
  });

  it('lower-cases the provider and keeps the first of repeated keys', () => {
    expect(parseStreamRoute('/api/v1/agent-stream/a?provider=CloudOnix&provider=x')).toMatchObject({ provider: 'cloudonix', query: { provider: 'CloudOnix' } });
  });

  it('has no agent for an empty or over-long path, and no route outside the prefix', () => {
    expect(parseStreamRoute('/api/v1/agent-stream/?provider=cloudonix')?.agentUuid).toBe('');
    expect(parseStreamRoute('/api/v1/agent-stream/a/b/c/d')?.agentUuid).toBe('');
    expect(parseStreamRoute('/api/v1/other/a')).toBeNull();
    expect(parseStreamRoute(undefined)).toBeNull();
  });

  it('has no agent or provider for a path segment decoding to NUL', () => {
    expect(parseStreamRoute('/api/v1/agent-stream/a%00b?provider=cloudonix')).toMatchObject({ agentUuid: '', provider: 'cloudonix' });
    expect(parseStreamRoute('/api/v1/agent-stream/twil%00io/abc-123')).toMatchObject({ agentUuid: 'abc-123', provider: '' });
    expect(parseStreamRoute('/api/v1/agent-stream/%ED%A0%80')?.agentUuid).toBe('');
  });

  it('agentRef is short and does not contain the UUID', () => {
    const ref = agentRef('6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11');
    expect(ref).toMatch(/^[0-9a-f]{8}$/);
    expect('6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11').not.toContain(ref);
  });
});
