import { randomUUID } from 'node:crypto';
import { CloudonixMediaClient, type FakeCloudonixApi } from '@vr3/providers/testing';
import { eventually, type ProductProcess } from './product.ts';

export const DOMAIN = 'acme.cloudonix.net';

/** What the helpers use of a deployment: the embedded product, or a distributed stack's `via(edge)`. */
export type Deployment = Pick<ProductProcess, 'api' | 'streamUrl'>;

/** An agent plus a Cloudonix configuration pointing at the fake API. */
export interface CloudonixSetup {
  agentUuid: string;
  configId: string;
  token: string;
}

export async function setupCloudonix(product: Deployment, api: FakeCloudonixApi, token: string, engine: object = { type: 'echo', hangup_dtmf: '#' }): Promise<CloudonixSetup> {
  const agent = await product.api('POST', '/agents', { name: 'Echo agent', engine });
  if (agent.status !== 201) throw new Error(`agent create failed: ${agent.status} ${JSON.stringify(agent.body)}`);
  const config = await product.api('POST', '/telephony-configurations', {
    provider: 'cloudonix',
    name: 'Acme',
    domain_id: ' ACME. ',
    bearer_token: token,
    api_base_url: api.url,
  });
  if (config.status !== 201) throw new Error(`configuration create failed: ${config.status} ${JSON.stringify(config.body)}`);
  return { agentUuid: agent.body.uuid, configId: config.body.id, token };
}

export interface CallOptions {
  query?: Record<string, string>;
  session?: string;
  live?: boolean;
}

/** A Cloudonix call that has completed the handshake (run `running`). */
export interface LiveCall {
  client: CloudonixMediaClient;
  session: string;
  callId: string;
  streamSid: string;
  runId: string;
}

/** Opens a stream and sends `connected` + `start` for a live session; waits for the run to be running. */
export async function startCall(product: Deployment, api: FakeCloudonixApi, setup: CloudonixSetup, options: CallOptions = {}): Promise<LiveCall> {
  const session = options.session ?? `sess-${randomUUID()}`;
  const callId = `call-${randomUUID().slice(0, 8)}`;
  const streamSid = `MZ${randomUUID().replace(/-/g, '')}`;
  if (options.live !== false) api.addSession(DOMAIN, session);
  const query: Record<string, string> = { provider: 'cloudonix', Domain: 'acme', callId, from: '+15555550100', to: '+15555550199', ...options.query };
  // The run's call id: the URL's `callId`, or its `CallSid` when a test replaces the one with the other.
  const expectedCallId = query.callId || query.CallSid;
  const client = await CloudonixMediaClient.connect(product.streamUrl(setup.agentUuid, query));
  client.sendConnected();
  client.sendStart({ streamSid, callSid: `CA${callId}`, session, accountSid: 'acme', from: '+15555550100', to: '+15555550199' });
  const run = await eventually(async () => {
    const list = await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&state=running&limit=100`);
    return (list.body.data as any[]).find((r) => r.gathered_context?.call_id === expectedCallId);
  }, 5000);
  return { client, session, callId, streamSid, runId: run.id };
}

/** Waits for a run to reach a terminal state and returns it. */
export async function finalRun(product: Deployment, runId: string, timeoutMs = 5000): Promise<any> {
  return eventually(async () => {
    const res = await product.api('GET', `/runs/${runId}`);
    return res.body.state === 'completed' || res.body.state === 'failed' ? res.body : undefined;
  }, timeoutMs);
}

/** The newest run of an agent (the one a failed handshake just minted). */
export async function newestRun(product: Deployment, agentUuid: string): Promise<any> {
  const res = await product.api('GET', `/runs?agent_uuid=${agentUuid}&limit=1`);
  return (res.body.data as any[])[0];
}
