/**
 * End-to-end helpers for the providers beside Cloudonix (Exotel, Twilio, Vobiz, Plivo): a
 * configuration pointing at the provider's fake API, calls opened with the provider's fake media
 * client, and the echo measurement every suite makes.
 */
import { randomUUID } from 'node:crypto';
import type { MediaFormat } from '@vr3/protocol';
import { dominantFrequency, rms, sine } from '@vr3/codec/testing';
import { getProvider } from '@vr3/providers';
import {
  connectMediaClient,
  type FakeApiProvider,
  type FakeProviderApi,
  type MediaCallInfo,
  type MediaCallOptions,
  type PlivoStyleClientOptions,
  type ProviderMediaClient,
} from '@vr3/providers/testing';
import type { Deployment } from './cloudonix.ts';
import { eventually } from './product.ts';

export { finalRun, newestRun } from './cloudonix.ts';

/** An agent plus a configuration of `provider` pointing at its fake API. */
export interface ProviderSetup {
  provider: FakeApiProvider;
  api: FakeProviderApi;
  agentUuid: string;
  configId: string;
}

export async function setupProvider(
  product: Deployment,
  api: FakeProviderApi,
  options: { settings?: Record<string, string>; engine?: object } = {},
): Promise<ProviderSetup> {
  const agent = await product.api('POST', '/agents', { name: `${api.provider} echo`, engine: options.engine ?? { type: 'echo', hangup_dtmf: '#' } });
  if (agent.status !== 201) throw new Error(`agent create failed: ${agent.status}`);
  const config = await product.api('POST', '/telephony-configurations', {
    provider: api.provider,
    name: api.provider,
    [getProvider(api.provider).telephony.accountField]: api.accountId,
    ...api.credentials,
    api_base_url: api.url,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  if (config.status !== 201) throw new Error(`configuration create failed: ${config.status} ${JSON.stringify(config.body)}`);
  return { provider: api.provider, api, agentUuid: agent.body.uuid, configId: config.body.id };
}

/** The stream URL: query form `?provider=…`, or the path form `/agent-stream/{provider}/{uuid}` when `query` is null. */
export function providerStreamUrl(product: Deployment, setup: ProviderSetup, query: Record<string, string> | null): string {
  if (query !== null) return product.streamUrl(setup.agentUuid, { provider: setup.provider, ...query });
  return product.streamUrl(setup.agentUuid, {}).replace(`/agent-stream/${setup.agentUuid}`, `/agent-stream/${setup.provider}/${setup.agentUuid}`);
}

/** Options of {@link startProviderCall}. */
export interface ProviderCallOptions {
  /** Extra query parameters; `null` = the path form with no query string. */
  query?: Record<string, string> | null;
  call?: MediaCallOptions;
  client?: PlivoStyleClientOptions;
  /** Make the call live at the fake API first (default true). */
  live?: boolean;
}

/** A call past its handshake: the run is `running`. */
export interface ProviderCall {
  client: ProviderMediaClient;
  info: MediaCallInfo;
  runId: string;
}

/** Opens a stream, sends the provider's opening frames for a fresh call id, waits for the run to be running. */
export async function startProviderCall(product: Deployment, setup: ProviderSetup, options: ProviderCallOptions = {}): Promise<ProviderCall> {
  const callId = options.call?.callId ?? `call-${randomUUID()}`;
  if (options.live !== false) setup.api.addCall(callId);
  const client = await connectMediaClient(setup.provider, providerStreamUrl(product, setup, options.query === undefined ? {} : options.query), options.client);
  const info = client.begin({ accountId: setup.api.accountId, ...options.call, callId });
  const run = await eventually(async () => {
    const list = await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&state=running&limit=100`);
    return (list.body.data as any[]).find((r) => r.gathered_context?.call_sid === callId);
  }, 5000);
  return { client, info, runId: run.id };
}

/** Plays a 440 Hz tone for `ms` in 20 ms frames at the wire rate and measures the echo. */
export async function echoTone(call: ProviderCall, ms = 1000): Promise<{ frequency: number; levelDb: number; elapsedMs: number }> {
  const format: MediaFormat = call.client.format;
  const tone = sine(440, format.sampleRate, ms, 8000);
  const frame = format.sampleRate / 50;
  const started = Date.now();
  for (let off = 0; off < tone.length; off += frame) {
    call.client.sendPcm(tone.subarray(off, off + frame));
    await new Promise((r) => setTimeout(r, 20));
  }
  // Playback comes back in the provider's outbound format (same rate as inbound for every provider).
  const rate = format.sampleRate;
  await eventually(async () => call.client.receivedPcm().length >= tone.length * 0.85, 5000, 20);
  const echoed = call.client.receivedPcm();
  const steady = echoed.subarray(Math.floor(rate / 10), echoed.length - Math.floor(rate / 10));
  return { frequency: dominantFrequency(steady, rate), levelDb: 20 * Math.log10(rms(steady) / rms(tone)), elapsedMs: Date.now() - started };
}
