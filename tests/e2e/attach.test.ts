/**
 * Attaching an agent to a live call end to end on the embedded product: the provider stand-in
 * (Vobiz, Plivo) takes `POST …/Call/{uuid}/Stream/`, opens the stream to the run-bound URL it was
 * given and plays a tone; the agent (echo) answers on it; `DELETE /runs/{id}/stream` stops the
 * stream through the provider, which closes it and ends the run; the `StartStream`/`StopStream`
 * status callbacks land on the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency } from '@vr3/codec/testing';
import { startFakeProviderApi, type FakeProviderApi } from '@vr3/providers/testing';
import { startOutboundRig, type OutboundRig } from '../harness/outbound.ts';
import { eventually, type ProductProcess } from '../harness/product.ts';
import { finalRun, setupProvider, type ProviderSetup } from '../harness/providers.ts';

let rig: OutboundRig<'vobiz' | 'plivo'>;
let product: ProductProcess;
let vobiz: FakeProviderApi;
let plivo: FakeProviderApi;
let vobizSetup: ProviderSetup;
let plivoSetup: ProviderSetup;

beforeAll(async () => {
  rig = await startOutboundRig(['vobiz', 'plivo'], { standIn: { streamBack: { maxStreamMs: 20_000 } } });
  ({ product } = rig);
  ({ vobiz: vobizSetup, plivo: plivoSetup } = rig.setups);
  [vobiz, plivo] = [vobizSetup.api, plivoSetup.api];
});
afterAll(async () => {
  await rig?.close();
});

describe('attach to a live call on the embedded product', () => {
  it.each(['vobiz', 'plivo'] as const)('%s: the stream opens on the run-bound URL, the agent runs on it, DELETE /runs/{id}/stream stops it', async (provider) => {
    const [api, setup] = provider === 'vobiz' ? [vobiz, vobizSetup] : [plivo, plivoSetup];
    const callId = `live-${provider}`;
    api.addCall(callId);
    const res = await product.api('POST', `/agents/${setup.agentUuid}/attach`, { telephony_configuration_id: setup.configId, call_id: callId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ call_type: 'inbound', state: 'initialized', dial_status: 'attaching', provider_call_id: callId, mode: provider });

    const stream = await eventually(async () => api.streams.find((s) => s.callId === callId), 5000);
    expect(stream.request.serviceUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${product.port}/api/v1/agent-stream/${provider}/${setup.agentUuid}/[A-Za-z0-9_-]{43}$`));
    const running = await eventually(async () => {
      const run = (await product.api('GET', `/runs/${res.body.id}`)).body;
      return run.state === 'running' && run.dial_status === 'attached' ? run : undefined;
    }, 5000);
    expect(running.logs.attach).toMatchObject({ call_id: callId, stream_id: stream.streamId, bidirectional: true, audio_track: 'inbound' });
    // Let the agent echo some of the tone back before the stream is stopped.
    await new Promise((r) => setTimeout(r, 1200));

    const stop = await product.api('DELETE', `/runs/${res.body.id}/stream`);
    expect(stop.status).toBe(204);
    await stream.done;
    expect(stream.error).toBeUndefined();
    expect(stream.stopped).toBe(true);
    expect(Math.abs(dominantFrequency(stream.heardPcm!.subarray(stream.heardRate! / 2), stream.heardRate!) - 440)).toBeLessThan(10);
    expect(stream.callbacks.map((c) => [c.status, c.httpStatus])).toEqual([['StartStream', 204], ['StopStream', 204]]);

    const run = await finalRun(product, res.body.id);
    expect(run).toMatchObject({ state: 'completed', call_type: 'inbound', provider_call_id: callId, dial_status: 'stopped' });
    expect(run.started_at).not.toBeNull();
    expect((run.logs.provider_callbacks as any[]).map((c) => c.status)).toEqual(['startstream', 'stopstream']);
    expect(run.logs.provider_callbacks[0].fields).toMatchObject({ Event: 'StartStream', StreamID: stream.streamId });
    expect((run.logs.provider_actions as any[]).map((a) => [a.action, a.outcome])).toEqual([['attach', 'succeeded'], ['detach', 'succeeded']]);
    // The run ended: there is no stream left to stop.
    expect(await product.api('DELETE', `/runs/${res.body.id}/stream`)).toMatchObject({ status: 409, body: { error: { code: 'no_live_stream' } } });
  });

  it('refuses providers that cannot attach and calls that are not live, precisely', async () => {
    const exotel = await startFakeProviderApi('exotel');
    try {
      const setup = await setupProvider(product, exotel);
      expect(await product.api('POST', `/agents/${setup.agentUuid}/attach`, { telephony_configuration_id: setup.configId, call_id: 'x' })).toMatchObject({
        status: 422,
        body: { error: { code: 'attach_not_supported' } },
      });
    } finally {
      await exotel.close();
    }
    const res = await product.api('POST', `/agents/${vobizSetup.agentUuid}/attach`, { telephony_configuration_id: vobizSetup.configId, call_id: 'not-live' });
    expect(res.status).toBe(201);
    const run = await finalRun(product, res.body.id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'provider_failed', started_at: null });
    expect(run.logs.provider_actions).toEqual([expect.objectContaining({ action: 'attach', outcome: 'failed', status: 404 })]);
  });
});
