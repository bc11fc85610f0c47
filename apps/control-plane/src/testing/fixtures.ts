import { Subjects, type StreamAdmitResponse } from '@vr3/protocol';
import type { TestControlPlane } from './control-plane.ts';

/** An agent and a Cloudonix configuration ready to admit streams. */
export interface AgentStreamFixture {
  agentUuid: string;
  telephonyConfigurationId: string;
  /** The Domain value as configured (before normalization). */
  domain: string;
}

/** Creates (over REST) an echo agent and a Cloudonix configuration for `domain` pointing at `apiBaseUrl`. */
export async function createAgentStreamFixture(
  cp: TestControlPlane,
  options: { domain: string; bearerToken?: string | null; apiBaseUrl?: string; publish?: boolean },
): Promise<AgentStreamFixture> {
  const agent = await cp.api('POST', '/agents', { name: `agent ${options.domain}`, engine: { type: 'echo' } });
  if (agent.status !== 201) throw new Error(`agent creation failed: ${agent.status}`);
  if (options.publish) await cp.api('POST', `/agents/${agent.body.uuid}/publish`);
  const config = await cp.api('POST', '/telephony-configurations', {
    provider: 'cloudonix',
    name: `config ${options.domain}`,
    domain_id: options.domain,
    bearer_token: options.bearerToken === undefined ? 'test-cloudonix-token' : options.bearerToken,
    ...(options.apiBaseUrl ? { api_base_url: options.apiBaseUrl } : {}),
  });
  if (config.status !== 201) throw new Error(`configuration creation failed: ${config.status}`);
  return { agentUuid: agent.body.uuid, telephonyConfigurationId: config.body.id, domain: options.domain };
}

/** Sends `StreamAdmit` for a Cloudonix stream as the media-edge would. */
export function admitStream(
  cp: TestControlPlane,
  agentUuid: string,
  query: Record<string, string>,
  options: { provider?: string; edgeId?: string; /** The edge's wait, sent as `timeout_ms`. */ timeoutMs?: number } = {},
): Promise<StreamAdmitResponse> {
  return cp.bus.request<StreamAdmitResponse>(
    Subjects.StreamAdmit,
    {
      edge_id: options.edgeId ?? 'edge-test',
      provider: options.provider ?? 'cloudonix',
      agent_uuid: agentUuid,
      query,
      ...(options.timeoutMs === undefined ? {} : { timeout_ms: options.timeoutMs }),
    },
    { timeoutMs: 10_000 },
  );
}
