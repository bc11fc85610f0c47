import { getProvider } from '@vr3/providers';
import type { RunEvent, TelephonyConfiguration, WorkflowRun } from '../generated/prisma/client.ts';
import { draftOf, publishedOf, type AgentWithVersions } from '../db/agents.ts';
import { recordingView } from '../recordings/run-recordings.ts';
import { agentProviderUrls } from './answer-urls.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * REST shape of an agent. `engine` is the draft's when there is one, else the published one's.
 * Engine secrets are write-only: `engine` / `published_engine` hold the configuration without them
 * and `engine_secrets_set` / `published_engine_secrets_set` name the secret paths that are set.
 * The webhook's secret is write-only too: `webhook_secret_set` tells whether one is stored.
 * `answer_urls` / `stream_urls` are the ready-to-paste provider URLs on `publicUrl` (null when it is
 * unknown), for the version a new call runs (published, else the draft).
 */
export function agentView(agent: AgentWithVersions, publicUrl: string | null) {
  const draft = draftOf(agent);
  const published = publishedOf(agent);
  const current = draft ?? published;
  return {
    uuid: agent.uuid,
    name: agent.name,
    engine: current?.engine ?? null,
    engine_secrets_set: current ? current.engineSecretPaths : null,
    draft_version: draft?.version ?? null,
    published_version: published?.version ?? null,
    published_engine: published?.engine ?? null,
    published_engine_secrets_set: published ? published.engineSecretPaths : null,
    archived: agent.archivedAt !== null,
    archived_at: iso(agent.archivedAt),
    webhook_url: agent.webhookUrl,
    webhook_secret_set: agent.webhookSecretCiphertext !== null,
    recording: { enabled: agent.recordingEnabled },
    ...agentProviderUrls(publicUrl, agent.uuid, (published ?? draft)?.engine ?? null),
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}

/**
 * REST shape of a telephony configuration. Credentials are write-only: only `has_credentials`
 * shows (and the provider's older alias of it, Cloudonix `has_bearer_token`). The account id
 * appears under the provider's own field name.
 */
export function telephonyView(config: TelephonyConfiguration) {
  const hasCredentials = config.credentialsCiphertext !== null;
  const telephony = getProvider(config.provider)?.telephony;
  const flagAlias = telephony?.credentialsFlagAlias;
  const settings = config.settings !== null && typeof config.settings === 'object' && !Array.isArray(config.settings) ? config.settings : {};
  return {
    id: config.id,
    provider: config.provider,
    name: config.name,
    [telephony?.accountField ?? 'domain_id']: config.domainId,
    api_base_url: config.apiBaseUrl,
    settings,
    has_credentials: hasCredentials,
    ...(flagAlias === undefined ? {} : { [flagAlias]: hasCredentials }),
    created_at: config.createdAt.toISOString(),
    updated_at: config.updatedAt.toISOString(),
  };
}

/** The stored per-reason drop counts: an object of counts, `{}` when none were recorded (older runs included). */
function droppedByReason(value: unknown): Record<string, number> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}

/** REST shape of a workflow run. */
export function runView(run: WorkflowRun) {
  const hasStats = run.audioInMs !== null || run.framesIn !== null;
  return {
    id: run.id,
    name: run.name,
    agent_uuid: run.agentUuid,
    agent_version_id: run.agentVersionId,
    user_id: run.userId,
    call_type: run.callType,
    mode: run.mode,
    state: run.state,
    end_reason: run.endReason,
    error: run.error,
    initial_context: run.initialContext,
    gathered_context: run.gatheredContext,
    logs: run.logs,
    telephony_configuration_id: run.telephonyConfigurationId,
    dial_status: run.dialStatus,
    provider_call_id: run.providerCallId,
    edge_id: run.edgeId,
    media_stats: hasStats
      ? {
          audio_in_ms: run.audioInMs ?? 0,
          audio_out_ms: run.audioOutMs ?? 0,
          frames_in: run.framesIn ?? 0,
          frames_out: run.framesOut ?? 0,
          frames_dropped: run.framesDropped ?? 0,
          frames_dropped_by_reason: droppedByReason(run.framesDroppedByReason),
        }
      : null,
    created_at: run.createdAt.toISOString(),
    started_at: iso(run.startedAt),
    ended_at: iso(run.endedAt),
    duration_seconds: run.durationSeconds,
    recording: recordingView(run),
    close: closeView(run),
  };
}

/** How the run's socket closed; null when it ended without a socket close (or before this was recorded). */
function closeView(run: Pick<WorkflowRun, 'closeCode' | 'closeReason' | 'closeInitiator'>) {
  if (run.closeCode === null) return null;
  return { code: run.closeCode, reason: run.closeReason ?? '', initiator: run.closeInitiator === 'edge' ? ('edge' as const) : ('peer' as const) };
}

/** REST shape of a run event: `at` is when the engine emitted it. */
export function runEventView(event: Pick<RunEvent, 'seq' | 'type' | 'emittedAt' | 'data'>) {
  return { seq: event.seq, type: event.type, at: event.emittedAt.toISOString(), data: event.data };
}
