/**
 * The response bodies of the REST API, as schemas: the OpenAPI document's `components.schemas`
 * (document.ts) and what the API's own tests check every response against (a field a view adds
 * without being described here fails them), so the contract and the server cannot drift apart.
 */
import { z } from 'zod';

const Instant = z.iso.datetime();
const JsonObject = z.record(z.string(), z.unknown());
const Role = z.enum(['admin', 'member']);

/** Every error answer: `{"error": {"code", "message"}}`; `code` is stable, `message` is for people. */
export const ErrorBody = z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

/** A page of a list: `next_cursor` is `null` on the last page. */
const page = <T extends z.ZodType>(item: T, id: string) => z.strictObject({ data: z.array(item), next_cursor: z.string().nullable() }).meta({ id });

/** Ready-to-paste provider URLs by provider name (`null` while the public URL is unknown). */
const ProviderUrls = z.record(z.string(), z.string()).nullable();

export const Agent = z
  .strictObject({
    uuid: z.uuid(),
    name: z.string(),
    engine: JsonObject.nullable().describe('the draft engine configuration (else the published one), without its secret fields'),
    engine_secrets_set: z.array(z.string()).nullable().describe('paths of the secret fields that are set'),
    draft_version: z.number().int().nullable(),
    published_version: z.number().int().nullable(),
    published_engine: JsonObject.nullable(),
    published_engine_secrets_set: z.array(z.string()).nullable(),
    archived: z.boolean(),
    archived_at: Instant.nullable(),
    webhook_url: z.string().nullable().describe('where run.started / run.ended are POSTed (docs/webhooks.md)'),
    webhook_secret_set: z.boolean().describe('a webhook signing secret is stored (write-only)'),
    recording: z.strictObject({ enabled: z.boolean() }).describe('call recording opt-in (docs/recordings.md)'),
    answer_urls: ProviderUrls.describe('answer URL per provider, to paste into its console'),
    stream_urls: ProviderUrls.describe('stream URL per provider'),
    created_at: Instant,
    updated_at: Instant,
  })
  .meta({ id: 'Agent' });
export const AgentPage = page(Agent, 'AgentPage');

/** A run's stored two-channel recording (caller left, agent right). */
export const Recording = z
  .strictObject({
    url: z.string().describe('GET it (signed-in users and API keys; Range requests answered 206)'),
    bytes: z.number().int(),
    duration_ms: z.number().int(),
    channels: z.number().int(),
    sample_rate: z.number().int(),
    stored_at: Instant,
  })
  .meta({ id: 'Recording' });

export const MediaStats = z
  .strictObject({
    audio_in_ms: z.number().int(),
    audio_out_ms: z.number().int(),
    frames_in: z.number().int(),
    frames_out: z.number().int(),
    frames_dropped: z.number().int(),
    frames_dropped_by_reason: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'MediaStats' });

const RunState = z.enum(['initialized', 'running', 'completed', 'failed']);

/** How a run's provider socket closed (docs/agent-stream.md#close-codes). */
export const RunClose = z
  .strictObject({
    code: z.number().int().describe('the WebSocket close code (1000, 1008, 1011, 1013, 4400, 4408, 4409; a peer may send others, 1005: no code, 1006: no close frame)'),
    reason: z.string().describe('the close frame\'s reason, at most 123 bytes; empty when none'),
    initiator: z.enum(['edge', 'peer']).describe('who closed first: the media-edge, or the provider (its close frame, or the connection dropping)'),
  })
  .meta({ id: 'RunClose' });

export const Run = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    agent_uuid: z.string(),
    agent_version_id: z.string().nullable(),
    user_id: z.string(),
    call_type: z.enum(['inbound', 'outbound']),
    mode: z.string().describe('the telephony provider'),
    state: RunState,
    end_reason: z.string().nullable(),
    error: z.string().nullable(),
    initial_context: JsonObject,
    gathered_context: JsonObject,
    logs: JsonObject,
    telephony_configuration_id: z.string().nullable(),
    dial_status: z.string().nullable().describe('outbound calls: queued, dialing, ringing, answered, completed, busy, no_answer, failed'),
    provider_call_id: z.string().nullable(),
    edge_id: z.string().nullable(),
    media_stats: MediaStats.nullable(),
    recording: Recording.nullable(),
    close: RunClose.nullable().describe('how the provider socket closed; null when the run ended without one (edge_lost, an outbound call never connected) or is live'),
    created_at: Instant,
    started_at: Instant.nullable(),
    ended_at: Instant.nullable(),
    duration_seconds: z.number().int().nullable(),
  })
  .meta({ id: 'Run' });
export const RunPage = page(Run, 'RunPage');

export const RunEvent = z.strictObject({ seq: z.number().int(), type: z.string(), at: Instant, data: z.unknown() }).meta({ id: 'RunEvent' });
export const RunEventPage = page(RunEvent, 'RunEventPage');

/**
 * A call as the live-calls stream shows it (docs/live-calls.md, live/live-call.ts). The numbers are
 * personal data: the organization's authenticated principals only.
 */
export const LiveCall = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    state: RunState,
    call_type: z.enum(['inbound', 'outbound']),
    provider: z.string().describe('the telephony provider'),
    agent: z.strictObject({ uuid: z.string(), name: z.string() }),
    caller_number: z.string().nullable(),
    called_number: z.string().nullable(),
    edge_id: z.string().nullable().describe('the media-edge holding the call; null while an outbound call is still dialling'),
    dial_status: z.string().nullable().describe("outbound calls: the provider's last dial status"),
    created_at: Instant,
    started_at: Instant.nullable().describe("when the provider's start was accepted: the duration counts from here"),
    ended_at: Instant.nullable(),
    end_reason: z.string().nullable(),
    duration_seconds: z.number().int().nullable(),
  })
  .meta({ id: 'LiveCall' });

/** The live-calls stream's first event, on every connection. */
export const LiveCallsSnapshot = z
  .strictObject({
    calls: z.array(LiveCall).describe('the live calls (initialized or running), oldest first'),
    truncated: z.boolean().describe('more calls are live than the snapshot lists (1000)'),
    transcripts: z.boolean().describe('this principal receives call.transcript events'),
    server_time: Instant.describe("the server's clock when it sent the snapshot"),
  })
  .meta({ id: 'LiveCallsSnapshot' });

/** `call.started`, `call.updated`, `call.ended`: the call as it is now. */
export const LiveCallChange = z.strictObject({ call: LiveCall }).meta({ id: 'LiveCallChange' });

/** `call.transcript`: a run event of type `transcript` as `GET /runs/{id}/events` lists it, with its run. */
export const LiveTranscriptLine = z
  .strictObject({ run_id: z.string(), seq: z.number().int(), at: Instant, data: JsonObject.describe('role (caller or agent), text, interrupted, …') })
  .meta({ id: 'LiveTranscriptLine' });

/** One attempt at delivering a run's webhook event (docs/webhooks.md). */
export const WebhookDelivery = z
  .strictObject({
    id: z.string(),
    delivery_id: z.uuid().describe('the event id, the same on every attempt (X-VR3-Delivery)'),
    event: z.enum(['run.started', 'run.ended']),
    attempt: z.number().int(),
    status_code: z.number().int().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number().int(),
    attempted_at: Instant,
    next_attempt_at: Instant.nullable(),
    delivered_at: Instant.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export const WebhookDeliveryPage = page(WebhookDelivery, 'WebhookDeliveryPage');

export const TelephonyConfiguration = z
  .object({
    id: z.string(),
    provider: z.string(),
    name: z.string(),
    api_base_url: z.string().nullable(),
    settings: JsonObject,
    has_credentials: z.boolean(),
    created_at: Instant,
    updated_at: Instant,
  })
  // The provider's account id under its own field name (domain_id, account_sid, auth_id), and
  // Cloudonix's older alias of `has_credentials` (has_bearer_token).
  .catchall(z.union([z.string(), z.boolean(), z.null()]))
  .meta({ id: 'TelephonyConfiguration' });
export const TelephonyConfigurationPage = page(TelephonyConfiguration, 'TelephonyConfigurationPage');

export const ServiceCredential = z
  .strictObject({
    id: z.string(),
    vendor: z.string(),
    name: z.string(),
    base_url: z.string().nullable(),
    api_key_set: z.boolean(),
    created_at: Instant,
    updated_at: Instant,
  })
  .meta({ id: 'ServiceCredential' });
export const ServiceCredentialPage = page(ServiceCredential, 'ServiceCredentialPage');

/** What a credentials test found (`POST /telephony-configurations/{id}/test`, `POST /service-credentials/{id}/test`). */
export const CredentialTestResult = z
  .strictObject({
    ok: z.boolean().describe('true when the provider or vendor accepted the credentials'),
    checked_at: Instant,
    latency_ms: z.number().int().describe('from sending the request to its answer or failure'),
    status: z.number().int().optional().describe("the provider's or vendor's HTTP status, when it answered"),
    error: z
      .strictObject({
        code: z.enum(['invalid_credentials', 'unreachable', 'unexpected_response', 'address_not_allowed', 'invalid_configuration']),
        message: z.string(),
      })
      .optional(),
  })
  .meta({ id: 'CredentialTestResult' });

const apiKeyFields = {
  id: z.string(),
  name: z.string(),
  role: Role,
  prefix: z.string(),
  user_id: z.string(),
  created_at: Instant,
  expires_at: Instant.nullable(),
  last_used_at: Instant.nullable(),
  revoked: z.boolean(),
  revoked_at: Instant.nullable(),
};
export const ApiKey = z.strictObject(apiKeyFields).meta({ id: 'ApiKey' });
export const CreatedApiKey = z.strictObject({ ...apiKeyFields, key: z.string().describe('the key itself, shown in this response only') }).meta({ id: 'CreatedApiKey' });
export const ApiKeyList = z.strictObject({ data: z.array(ApiKey) }).meta({ id: 'ApiKeyList' });

export const User = z
  .strictObject({ id: z.string(), email: z.string().nullable(), name: z.string().nullable(), role: Role, password_set: z.boolean(), created_at: Instant })
  .meta({ id: 'User' });
export const UserPage = page(User, 'UserPage');
const invitationFields = {
  id: z.string(),
  email: z.string(),
  role: Role,
  state: z.enum(['pending', 'accepted', 'expired', 'revoked']).describe('pending until accepted, revoked or past expires_at'),
  invited_by_id: z.string().nullable().describe('the user who invited; null once that user is removed'),
  invited_by_email: z.string().nullable(),
  created_at: Instant,
  expires_at: Instant,
  accepted_at: Instant.nullable(),
  revoked_at: Instant.nullable(),
};
export const Invitation = z.strictObject(invitationFields).meta({ id: 'Invitation' });
export const InvitationPage = page(Invitation, 'InvitationPage');
export const CreatedInvitation = z
  .strictObject({
    ...invitationFields,
    token: z.string().describe('single-use, shown in this response only'),
    invitation_url: z.string().nullable(),
  })
  .meta({ id: 'CreatedInvitation' });

export const Quota = z
  .strictObject({
    user_id: z.string(),
    max_concurrent_calls: z.number().int().nullable(),
    monthly_call_seconds: z.number().int().nullable(),
    usage: z.strictObject({ active_calls: z.number().int(), month_call_seconds: z.number().int() }),
  })
  .meta({ id: 'Quota' });

const LatencyHistogram = z
  .strictObject({
    buckets: z.array(z.strictObject({ from_ms: z.number().int(), to_ms: z.number().int().nullable().describe('exclusive; null for the last bucket'), count: z.number().int() })),
    count: z.number().int(),
    p50: z.number().int().nullable(),
    p95: z.number().int().nullable(),
  })
  .meta({ id: 'LatencyHistogram' });

/** `GET /stats/overview`: the console's Overview of the organization's runs created in `[from, to)`. */
export const OverviewStats = z
  .strictObject({
    from: Instant,
    to: Instant,
    calls_per_hour: z
      .array(z.strictObject({ hour: Instant, inbound: z.number().int(), outbound: z.number().int(), failed: z.number().int() }))
      .describe('runs created per hour (UTC), every hour of the range, zero-filled; failed counts runs of either direction that ended failed'),
    end_reasons: z.array(z.strictObject({ end_reason: z.string(), count: z.number().int() })).describe('end reasons of the failed runs, most frequent first'),
    call_seconds: z
      .strictObject({
        used_this_month: z.number().int().describe("seconds of calls this calendar month (UTC), summed over the organization's users"),
        monthly_quota: z.number().int().nullable().describe('the sum of their monthly call-seconds quotas; null when any user is unlimited'),
      }),
    handshake_ms: LatencyHistogram.describe('admission to start of the runs that started'),
    turn_latency_ms: LatencyHistogram.describe("end of the caller's speech to the agent's first audio (`first_audio_sent_ms` metric run events)"),
  })
  .meta({ id: 'OverviewStats' });

/** A signed-in person's session (sign-in, invitation acceptance, `GET /me` with a session cookie). */
export const Session = z
  .strictObject({
    user_id: z.string(),
    organization_id: z.string(),
    role: Role,
    api_key_id: z.null(),
    session_id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    csrf_token: z.string().describe('send it back in X-CSRF-Token on every state-changing request'),
  })
  .meta({ id: 'Session' });
/** `GET /me` with an API key. */
export const KeyPrincipal = z.strictObject({ user_id: z.string(), organization_id: z.string(), role: Role, api_key_id: z.string() }).meta({ id: 'KeyPrincipal' });
export const Me = z.union([Session, KeyPrincipal]).meta({ id: 'Me' });
export const RevokedSessions = z.strictObject({ revoked_sessions: z.number().int() }).meta({ id: 'RevokedSessions' });
