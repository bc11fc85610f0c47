/**
 * Outbound calls through Exotel (Connect Voice AI: `calls/connect` with `streamurl`) and Cloudonix
 * (`POST /calls/{domain}/application` with the `<Connect><Stream>` CXML) end to end on the embedded
 * product, the provider stand-in dialling back on the run-bound stream URL: echoed, completed, the
 * status callbacks on the run; busy and unanswered calls end their run `failed`; a forged callback
 * is 403 and changes nothing; Exotel's Passthru applet (a GET) merges into the ended run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency } from '@vr3/codec/testing';
import type { FakeProviderApi } from '@vr3/providers/testing';
import { BUSY_NUMBER, dialOf, NO_ANSWER_NUMBER, placeCall, scriptedDialBack, startOutboundRig, type OutboundRig } from '../harness/outbound.ts';
import type { ProductProcess } from '../harness/product.ts';
import { finalRun, type ProviderSetup } from '../harness/providers.ts';

let rig: OutboundRig<'exotel' | 'cloudonix'>;
let product: ProductProcess;

beforeAll(async () => {
  rig = await startOutboundRig(['exotel', 'cloudonix'], { standIn: { dialBack: scriptedDialBack({ holdMs: 800 }) } });
  ({ product } = rig);
});
afterAll(async () => {
  await rig?.close();
});

const setupOf = (provider: 'exotel' | 'cloudonix'): [FakeProviderApi, ProviderSetup] => [rig.setups[provider].api, rig.setups[provider]];

describe('outbound calls through exotel and cloudonix on the embedded product', () => {
  it.each([
    ['exotel', '+15550002001', /\/api\/v1\/agent-stream\/exotel\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}\?sample-rate=16000$/],
    ['cloudonix', '+15550002002', /\/api\/v1\/agent-stream\/cloudonix\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}$/],
  ] as const)('%s: placed with the run-bound stream URL in the request, answered, echoed, completed, callbacks on the run', async (provider, to, streamPath) => {
    const [api, setup] = setupOf(provider);
    const placed = await placeCall(product, setup, to);
    expect(placed).toMatchObject({ call_type: 'outbound', state: 'initialized', dial_status: 'queued', mode: provider });

    const dial = await dialOf(api, to, 1);
    expect(dial.error).toBeUndefined();
    expect(dial.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${product.port}`));
    expect(dial.streamUrl).toMatch(streamPath);
    expect(dial.streamUrl).toContain(setup.agentUuid);
    expect(dial.close?.code).toBe(1000);
    expect(Math.abs(dominantFrequency(dial.heardPcm!.subarray(dial.heardRate! / 10), dial.heardRate!) - 440)).toBeLessThan(10);
    expect(dial.callbacks.map((c) => [c.status, c.httpStatus])).toEqual([['ringing', 204], ['in-progress', 204], ['completed', 204]]);

    const run = await finalRun(product, placed.id);
    expect(run).toMatchObject({ state: 'completed', call_type: 'outbound', dial_status: 'completed', provider_call_id: dial.callId });
    expect(run.started_at).not.toBeNull();
    expect((run.logs.provider_callbacks as any[]).map((c) => c.status)).toEqual(['ringing', 'in-progress', 'completed']);
    expect(run.logs.provider_callbacks[2]).toMatchObject({ call_id: dial.callId, duration_s: expect.any(Number) });
    expect(run.logs.provider_actions).toEqual([expect.objectContaining({ action: 'place', outcome: 'succeeded' })]);
    expect(dial.placement.statusCallbackUrl).toMatch(new RegExp(`/api/v1/callbacks/${provider}/${placed.id}\\?s=`));
  });

  it.each([
    ['exotel', BUSY_NUMBER, 'busy'],
    ['exotel', NO_ANSWER_NUMBER, 'no_answer'],
    ['cloudonix', BUSY_NUMBER, 'busy'],
    ['cloudonix', NO_ANSWER_NUMBER, 'no_answer'],
  ] as const)('%s: a call to %s ends the run failed/%s', async (provider, to, reason) => {
    const [api, setup] = setupOf(provider);
    const before = api.dials.filter((d) => d.placement.to === to).length;
    const placed = await placeCall(product, setup, to);
    const dial = await dialOf(api, to, before + 1);
    expect(dial.streamUrl).toBeUndefined();
    const run = await finalRun(product, placed.id);
    expect(run).toMatchObject({ state: 'failed', end_reason: reason, call_type: 'outbound', started_at: null, dial_status: reason === 'busy' ? 'busy' : 'no-answer' });
  });

  it('exotel: a forged callback is 403 and changes nothing; the Passthru applet\'s GET merges into the ended run without reopening it', async () => {
    const to = '+15550002003';
    const [exotel, exotelSetup] = setupOf('exotel');
    const placed = await placeCall(product, exotelSetup, to);
    const dial = await dialOf(exotel, to, 1);
    const ended = await finalRun(product, placed.id);
    expect(ended.state).toBe('completed');
    const url = new URL(dial.placement.statusCallbackUrl!);
    const passthru = new URLSearchParams({ callsid: dial.callId, streamsid: 'MZ1', status: 'completed', duration: '3', recordingurl: 'https://recordings.example.com/r1.mp3', disconnectedby: 'bot', disposition: 'completed' });

    const forged = new URL(url);
    forged.searchParams.set('s', 'not-the-secret-of-this-run-xxxxxxxxxxxxxxxx');
    const noSecret = new URL(url);
    noSecret.searchParams.delete('s');
    for (const target of [forged, noSecret]) {
      expect((await fetch(`${target.toString()}${target.search ? '&' : '?'}${passthru}`)).status).toBe(403);
      const post = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ CallSid: dial.callId, Status: 'failed' }).toString() });
      expect(post.status).toBe(403);
    }
    expect((await product.api('GET', `/runs/${placed.id}`)).body.logs).toEqual(ended.logs);

    expect((await fetch(`${url.toString()}&${passthru}`)).status).toBe(204);
    const merged = (await product.api('GET', `/runs/${placed.id}`)).body;
    expect(merged).toMatchObject({ state: 'completed', end_reason: ended.end_reason, dial_status: 'completed' });
    expect(merged.logs.provider_callbacks.at(-1)).toMatchObject({
      status: 'completed',
      call_id: dial.callId,
      duration_s: 3,
      disconnected_by: 'bot',
      recording_url: 'https://recordings.example.com/r1.mp3',
      fields: expect.objectContaining({ streamsid: 'MZ1', disposition: 'completed' }),
    });
    expect(JSON.stringify(merged.logs.provider_callbacks)).not.toContain(url.searchParams.get('s'));
  });
});
