import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawDecode, mulawEncode } from '@vr3/codec';
import { dominantFrequency, rms, sine } from '@vr3/codec/testing';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess } from '../harness/product.ts';
import { DOMAIN, finalRun, newestRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let product: ProductProcess;
let api: FakeCloudonixApi;
let setup: CloudonixSetup;

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start();
  setup = await setupCloudonix(product, api, TOKEN);
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('echo round trip', () => {
  it('returns the caller tone at the same frequency and level, as paced Twilio-compatible media', async () => {
    const call = await startCall(product, api, setup);
    const tone = sine(440, 8000, 1000, 8000);
    const mulaw = mulawEncode(tone);
    const started = Date.now();
    for (let off = 0; off < mulaw.length; off += 160) {
      call.client.sendMedia(mulaw.subarray(off, off + 160));
      await sleep(20);
    }
    // Wait for the echo to finish arriving.
    await expect.poll(() => call.client.receivedMedia().length, { timeout: 4000 }).toBeGreaterThanOrEqual(mulaw.length - 480);
    const media = call.client.received.filter((f: any) => f.event === 'media') as any[];
    expect(media.length).toBeGreaterThan(40);
    for (const frame of media) expect(frame.streamSid).toBe(call.streamSid);
    // Paced at real time: ~1 s of audio is not delivered in a burst.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const echoed = mulawDecode(call.client.receivedMedia());
    const steady = echoed.subarray(800, echoed.length - 800);
    expect(Math.abs(dominantFrequency(steady, 8000) - 440)).toBeLessThan(10);
    const levelDb = 20 * Math.log10(rms(steady) / rms(tone));
    expect(Math.abs(levelDb)).toBeLessThan(1.5);

    call.client.sendStop();
    expect((await call.client.waitForClose(5000)).code).toBe(1000);
    const run = await finalRun(product, call.runId);
    expect(run.media_stats.frames_in).toBeGreaterThanOrEqual(50);
    expect(run.media_stats.audio_in_ms).toBeGreaterThanOrEqual(900);
    // A clean real-time call drops nothing, in either direction, for any reason.
    expect(run.media_stats).toMatchObject({ frames_dropped: 0 });
    expect(run.media_stats.frames_dropped_by_reason).toEqual({});
  });
});

describe('run record', () => {
  it('carries the contract fields from the URL and the start event', async () => {
    const call = await startCall(product, api, setup);
    await sleep(1100);
    call.client.sendStop();
    await call.client.waitForClose(5000);
    const run = await finalRun(product, call.runId);
    expect(run.name).toMatch(/^WR-AGS-[A-Z0-9]{8}$/);
    expect(run).toMatchObject({
      id: call.runId,
      agent_uuid: setup.agentUuid,
      call_type: 'inbound',
      mode: 'cloudonix',
      state: 'completed',
      end_reason: 'caller_hangup',
      telephony_configuration_id: setup.configId,
      initial_context: { caller_number: '+15555550100', called_number: '+15555550199' },
    });
    expect(run.gathered_context).toMatchObject({ call_id: call.callId });
    expect(JSON.stringify(run.gathered_context)).toContain(call.streamSid);
    expect(JSON.stringify(run.gathered_context)).toContain(call.session);
    expect(run.logs.inbound_webhook.Domain).toBe('acme');
    expect(JSON.stringify(run.logs.inbound_webhook)).toContain(call.streamSid);
    expect(new Date(run.started_at).getTime()).toBeGreaterThanOrEqual(new Date(run.created_at).getTime());
    expect(new Date(run.ended_at).getTime()).toBeGreaterThan(new Date(run.started_at).getTime());
    expect(run.duration_seconds).toBeGreaterThanOrEqual(1);
    expect(run.duration_seconds).toBeLessThan(5);
  });

  it('a socket closed without stop completes the run', async () => {
    const call = await startCall(product, api, setup);
    await call.client.close();
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'stream_closed' });
  });

  it('CallSid is accepted as the call id parameter', async () => {
    const call = await startCall(product, api, setup, { query: { callId: '', CallSid: 'CA-from-query' } });
    const run = (await product.api('GET', `/runs/${call.runId}`)).body;
    expect(run.gathered_context.call_id).toBe('CA-from-query');
    call.client.sendStop();
    await finalRun(product, call.runId);
  });
});

describe('hangup', () => {
  it('POST /runs/{id}/hangup deletes the Cloudonix session, closes the stream and ends the run', async () => {
    const call = await startCall(product, api, setup);
    const res = await product.api('POST', `/runs/${call.runId}/hangup`);
    expect(res.status).toBe(202);
    expect((await call.client.waitForClose(5000)).code).toBe(1000);
    const run = await finalRun(product, call.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
    await expect
      .poll(() => api.requests.some((r) => r.method === 'DELETE' && r.path === `/customers/self/domains/${DOMAIN}/sessions/${call.session}`), { timeout: 5000 })
      .toBe(true);
    expect((await product.api('POST', `/runs/${call.runId}/hangup`)).status).toBe(409);
  });

  it('the agent hangs up: DELETE session, close 1000, run ended agent_hangup', async () => {
    const call = await startCall(product, api, setup);
    call.client.sendDtmf('#');
    expect((await call.client.waitForClose(5000)).code).toBe(1000);
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    await expect
      .poll(() => api.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/sessions/${call.session}`)), { timeout: 5000 })
      .toBe(true);
  });

  it('a hangup Cloudonix answers 404 for still counts as done', async () => {
    const call = await startCall(product, api, setup);
    api.endSession(DOMAIN, call.session);
    expect((await product.api('POST', `/runs/${call.runId}/hangup`)).status).toBe(202);
    expect((await call.client.waitForClose(5000)).code).toBe(1000);
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
  });

  it('an unknown run is 404', async () => {
    expect((await product.api('POST', `/runs/${randomUUID()}/hangup`)).status).toBe(404);
  });
});

describe('one live provider session streams once', () => {
  it('closes a second stream of a live Cloudonix session 4400 and fails its run; the first call goes on', async () => {
    const call = await startCall(product, api, setup);
    const second = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', callId: 'second-leg' }));
    second.sendConnected();
    second.sendStart({ streamSid: `MZ${randomUUID().replace(/-/g, '')}`, callSid: `CA${call.callId}`, session: call.session, accountSid: 'acme' });
    expect(await second.waitForClose(5000)).toEqual({ code: 4400, reason: 'duplicate session' });
    const refused = await newestRun(product, setup.agentUuid);
    expect(refused.id).not.toBe(call.runId);
    expect(await finalRun(product, refused.id)).toMatchObject({ state: 'failed', end_reason: 'duplicate_session' });
    expect((await product.api('GET', `/runs/${call.runId}`)).body.state).toBe('running');

    call.client.sendStop();
    expect((await call.client.waitForClose(5000)).code).toBe(1000);
    await finalRun(product, call.runId);
    // Once the first stream ended, the same session may stream again.
    const again = await startCall(product, api, setup, { session: call.session });
    again.client.sendStop();
    await again.client.waitForClose(5000);
    expect(await finalRun(product, again.runId)).toMatchObject({ state: 'completed' });
  });
});
