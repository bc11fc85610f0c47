/**
 * Live calls across replicas: two control-planes share NATS and PostgreSQL; a live-calls stream
 * on either one sees a call whichever replica admitted, started and ended it (the feed is
 * published on the bus, not kept per replica).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, type EventStreamClient } from '@vr3/control-plane/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { finalRun, setupCloudonix, startCall, type CloudonixSetup, type LiveCall } from '../harness/cloudonix.ts';
import { DistributedStack, type ServiceProcess } from '../harness/distributed.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let stack: DistributedStack;
let api: FakeCloudonixApi;
let setup: CloudonixSetup;
const streams: EventStreamClient[] = [];

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  stack = await DistributedStack.start({ controlPlanes: 2, edges: 1 });
  setup = await setupCloudonix(stack.via(stack.edges[0]!), api, TOKEN);
});

afterAll(async () => {
  for (const s of streams) s.close();
  await stack?.stop();
  await api?.close();
});

async function liveStream(cp: ServiceProcess): Promise<EventStreamClient> {
  const s = await openEventStream(`${cp.baseUrl}/api/v1/live-calls/events`, { authorization: `Bearer ${stack.apiKey}` });
  streams.push(s);
  expect(s.status).toBe(200);
  await s.waitFor('snapshot');
  return s;
}

const ofRun = (runId: string) => (d: { call: { id: string } }) => d.call.id === runId;
const admittedBy = (cp: ServiceProcess, runId: string) => cp.logLines('run admitted').some((l) => l['run_id'] === runId);

describe('live calls with two control-planes', () => {
  it('a stream on each replica sees every call, whichever replica admitted and ended it', async () => {
    const [cpA, cpB] = stack.controlPlanes as [ServiceProcess, ServiceProcess];
    const onA = await liveStream(cpA);
    const onB = await liveStream(cpB);

    // Admissions go to one replica of the queue group: enough calls that each replica admits one.
    const calls: LiveCall[] = [];
    for (let i = 0; i < 6 && !(calls.some((c) => admittedBy(cpA, c.runId)) && calls.some((c) => admittedBy(cpB, c.runId))); i++) {
      calls.push(await startCall(stack.via(stack.edges[0]!), api, setup));
    }
    expect(calls.some((c) => admittedBy(cpA, c.runId))).toBe(true);
    expect(calls.some((c) => admittedBy(cpB, c.runId))).toBe(true);

    for (const call of calls) {
      for (const s of [onA, onB]) {
        await s.waitFor('call.started', ofRun(call.runId));
        await s.waitFor('call.updated', (d: { call: { id: string; state: string } }) => d.call.id === call.runId && d.call.state === 'running');
      }
    }

    // Hang each call up on the replica that did not admit it: both streams see it end api_hangup.
    for (const call of calls) {
      const other = admittedBy(cpA, call.runId) ? 1 : 0;
      expect((await stack.api('POST', `/runs/${call.runId}/hangup`, undefined, other)).status).toBe(202);
    }
    for (const call of calls) {
      for (const s of [onA, onB]) {
        const ended = await s.waitFor('call.ended', ofRun(call.runId));
        expect(ended.data.call).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
      }
      expect(await finalRun(stack.via(stack.edges[0]!), call.runId)).toMatchObject({ end_reason: 'api_hangup' });
      await call.client.close();
    }
  });
});
