import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess } from '../harness/product.ts';
import { finalRun, newestRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';

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
