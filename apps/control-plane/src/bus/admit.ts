import { EngineConfigError, type ValidEngineConfig } from '@vr3/agent';
import {
  StreamAdmitRequestSchema,
  StreamErrorCode,
  EndReason,
  parseMessage,
  RunState,
  type StreamAdmitRequest,
  type StreamAdmitResponse,
} from '@vr3/protocol';
import { getProvider, isKnownProvider } from '@vr3/providers';
import type { Logger } from 'pino';
import type { ControlPlaneContext } from '../context.ts';
import { admitRun, type AdmissionInput } from '../db/admission.ts';
import type { ConfigurationRow } from '../db/rows.ts';
import { finalizeRun } from '../db/runs.ts';
import { findStreamAgent, type StreamAgent } from '../db/stream-agent.ts';
import { claimStreamToken, STREAM_TOKEN_PARAM } from '../db/stream-tokens.ts';
import { resolveEngine } from '../engines/config.ts';
import { openEngineSecrets } from '../engines/secrets.ts';
import { joinEngineCredentials } from '../engines/engine-credentials.ts';
import { SecretError } from '../errors.ts';
import { accountOf, matchOf, queryAccount } from '../providers/resolve.ts';
import { announceRun } from '../live/feed.ts';
import type { AdmissionOutcome } from './admission-gate.ts';

/** The first of `names` present in the query with a non-empty value. */
function queryValue(query: Record<string, string>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = query[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function reject(code: StreamErrorCode, message: string): StreamAdmitResponse {
  return { ok: false, error: { code, message } };
}

/** Why a stored engine cannot be handed to the edge: codes and field paths only, never values. */
function engineFailure(err: unknown): Record<string, unknown> {
  if (err instanceof EngineConfigError) return { err_code: err.code, paths: err.issues.map((i) => i.path) };
  if (err instanceof SecretError) return { err_code: err.code };
  throw err;
}

/**
 * The full engine configuration of `version` for the edge: its secrets opened and joined in (in
 * memory only), validated again with the catalog, and the service credentials it names (a `voice`
 * or `realtime` engine's, of the agent's organization) joined in. `ok: false` with loggable fields when that fails.
 */
async function engineOf(
  ctx: ControlPlaneContext,
  organizationId: string,
  version: StreamAgent['version'],
): Promise<{ ok: true; engine: ValidEngineConfig } | { ok: false; failure: Record<string, unknown> }> {
  try {
    const secrets = openEngineSecrets(ctx.secretKey, version.id, version.engineSecretsCiphertext);
    return await joinEngineCredentials(ctx, organizationId, resolveEngine(ctx.engines, version.engine, secrets));
  } catch (err) {
    return { ok: false, failure: engineFailure(err) };
  }
}

/**
 * `StreamAdmit`, bounded by the replica's {@link ControlPlaneContext.admissions} gate: past it the
 * request is refused `overloaded` at once. Within it, see {@link admitStream}; the edge's wait
 * (`timeout_ms`) is taken from the moment the handling starts: a request whose wait ran out before
 * its run was minted is refused without one, and a run minted after it is ended at once.
 */
export async function handleStreamAdmit(ctx: ControlPlaneContext, data: unknown): Promise<StreamAdmitResponse> {
  const req = parseMessage(StreamAdmitRequestSchema, data);
  const log = ctx.logger.child({ provider: req.provider, edge_id: req.edge_id });
  if (!ctx.admissions.enter()) {
    log.debug({ in_flight: ctx.admissions.size }, 'stream refused: admissions overloaded');
    return reject(StreamErrorCode.Overloaded, 'overloaded');
  }
  const receivedAt = performance.now();
  const deadline = req.timeout_ms === undefined ? Number.POSITIVE_INFINITY : receivedAt + req.timeout_ms;
  let outcome: Exclude<AdmissionOutcome, 'overloaded'> = 'refused';
  try {
    const res = await admitStream(ctx, req, log, deadline, receivedAt);
    if (res === 'expired') {
      outcome = 'expired';
      log.warn({ timeout_ms: req.timeout_ms }, 'stream refused: the edge stopped waiting before admission');
      return reject(StreamErrorCode.Overloaded, 'overloaded');
    }
    if (res.ok && performance.now() > deadline + ctx.config.admissionUndoGraceMs) {
      outcome = 'abandoned';
      ctx.admittedRuns.drop(res.run.id);
      await undoAdmission(ctx, res.run.id, log, performance.now() - receivedAt);
      return reject(StreamErrorCode.Overloaded, 'overloaded');
    }
    if (res.ok) {
      outcome = 'admitted';
      // A run-bound stream (outbound call) attaches to a run announced when the call was placed.
      announceRun(ctx, res.run.id, req.query[STREAM_TOKEN_PARAM] === undefined ? 'started' : 'changed');
    }
    return res;
  } finally {
    ctx.admissions.leave(outcome);
  }
}

/** Ends a run whose edge stopped waiting before it was minted: it never streamed; its slot is given back. */
async function undoAdmission(ctx: ControlPlaneContext, runId: string, log: Logger, elapsedMs: number): Promise<void> {
  await finalizeRun(ctx.prisma, {
    runId,
    state: RunState.Failed,
    endReason: EndReason.ServerError,
    error: 'admission abandoned: minted after the edge stopped waiting',
  });
  log.warn({ run_id: runId, elapsed_ms: Math.round(elapsedMs) }, 'admission undone: the edge stopped waiting');
}

/**
 * Resolves the agent (published version, else draft) and, for providers that name their account in
 * the URL (Cloudonix `Domain`), the telephony configuration; then mints the run and takes its quota
 * slot ({@link admitRun}). Providers that name their account in `start` get their configuration
 * matched by `RunStart`. `expired` when the edge's wait ran out before the run was minted.
 * The answer carries the engine configuration with its secrets joined in: it is never logged.
 * Query values (phone numbers, ids) and the agent UUID are never logged.
 */
async function admitStream(ctx: ControlPlaneContext, req: StreamAdmitRequest, log: Logger, deadline: number, receivedAt: number): Promise<StreamAdmitResponse | 'expired'> {
  const refuse = (code: StreamErrorCode, message: string, fields: Record<string, unknown> = {}): StreamAdmitResponse => {
    // Debug: the edge counts refused streams and logs them in aggregate (a line per code and source per interval).
    log.debug({ code, ...fields }, 'stream refused');
    return reject(code, message);
  };
  if (!isKnownProvider(req.provider)) return refuse(StreamErrorCode.UnknownProvider, 'unknown provider');
  const descriptor = getProvider(req.provider);
  if (!descriptor) return refuse(StreamErrorCode.UnsupportedProvider, 'provider not supported');
  const provider = descriptor.name;

  // Cloudonix names its account (the domain) in the URL: its configuration is matched with the
  // agent, in the same statement. The others name it in `start` (a query parameter is the
  // fallback): `RunStart` matches it then.
  const token = req.query[STREAM_TOKEN_PARAM];
  if (token !== undefined) return attachStream(ctx, req, token, log, refuse);

  const named = queryAccount(provider, req.query);
  const wanted = descriptor.accountSource === 'query' ? accountOf(provider, named?.value) : undefined;
  const uuid = req.agent_uuid.toLowerCase();
  const account = wanted?.ok ? { provider, account: wanted.account } : undefined;
  const agent = await ctx.streamAgents.read(JSON.stringify([uuid, account?.provider, account?.account]), () => findStreamAgent(ctx.pool, uuid, account));
  if (!agent) return refuse(StreamErrorCode.AgentNotFound, 'agent not found');
  const { version } = agent;
  const engine = await engineOf(ctx, agent.organizationId, version);
  if (!engine.ok) {
    log.error({ agent_id: agent.id, agent_version_id: version.id, ...engine.failure }, 'stored engine configuration is unusable');
    return reject(StreamErrorCode.Internal, 'server error');
  }

  let configuration: ConfigurationRow | null = null;
  if (wanted) {
    const match = wanted.ok ? matchOf(agent.configuration, wanted.account) : wanted;
    if (!match.ok) return refuse(match.code, match.message, { agent_id: agent.id });
    configuration = match.configuration;
  }
  const configurationId = configuration?.id ?? null;

  if (performance.now() > deadline) return 'expired';
  const callId = queryValue(req.query, 'callId', 'CallSid');
  const input: AdmissionInput = {
    organizationId: agent.organizationId,
    userId: agent.userId,
    agentId: agent.id,
    agentUuid: agent.uuid,
    agentVersionId: version.id,
    provider,
    telephonyConfigurationId: configurationId,
    edgeId: req.edge_id,
    initialContext: { caller_number: queryValue(req.query, 'from') ?? null, called_number: queryValue(req.query, 'to') ?? null },
    gatheredContext: callId === undefined ? {} : { call_id: callId },
    logs: { inbound_webhook: named === undefined ? {} : { [named.param]: named.value } },
  };
  const result = await admitRun(ctx.prisma, input);
  if (!result.ok) {
    return refuse(StreamErrorCode.QuotaExceeded, 'quota exceeded', { user_id: agent.userId, quota: result.reason, limit: result.limit, used: result.used });
  }
  const run = result.run;
  ctx.admittedRuns.put({
    id: run.id,
    organizationId: agent.organizationId,
    mode: provider,
    state: RunState.Initialized,
    initialContext: run.initialContext,
    gatheredContext: input.gatheredContext,
    logs: input.logs,
    telephonyConfiguration: configuration,
  });
  log.info(
    { run_id: run.id, run_name: run.name, agent_id: agent.id, telephony_configuration_id: configurationId, admit_ms: Math.round(performance.now() - receivedAt) },
    'run admitted',
  );
  return {
    ok: true,
    run: {
      id: run.id,
      name: run.name,
      agent_uuid: agent.uuid,
      provider,
      telephony_configuration_id: configurationId,
      engine: engine.engine,
      max_duration_ms: null,
      initial_context: objectOf(run.initialContext),
      recording: agent.recordingEnabled,
      replica: ctx.replicaId,
    },
  };
}

/**
 * A run-bound stream (an outbound call): the token in its URL is claimed in one statement and the
 * stream attaches to the run minted when the call was placed — no run is minted and no quota slot
 * taken (the run has held one since it was placed). An unknown, used or expired token, or one of
 * another agent or provider, is refused `invalid_stream_token` (4400) before any run is touched; a
 * claimed run that is no longer `initialized` (the call already failed or ended) `run_not_waiting` (4409).
 */
async function attachStream(
  ctx: ControlPlaneContext,
  req: StreamAdmitRequest,
  token: string,
  log: Logger,
  refuse: (code: StreamErrorCode, message: string, fields?: Record<string, unknown>) => StreamAdmitResponse,
): Promise<StreamAdmitResponse> {
  const run = await claimStreamToken(ctx.pool, token, { agentUuid: req.agent_uuid.toLowerCase(), provider: req.provider.toLowerCase(), edgeId: req.edge_id });
  if (!run) {
    return refuse(StreamErrorCode.InvalidStreamToken, 'invalid stream token');
  }
  if (run.state !== RunState.Initialized) return refuse(StreamErrorCode.RunNotWaiting, 'run not waiting', { run_id: run.id, state: run.state });
  const agent = await findStreamAgent(ctx.pool, run.agentUuid);
  if (!agent) {
    await finalizeRun(ctx.prisma, { runId: run.id, state: RunState.Failed, endReason: EndReason.ServerError, error: 'agent gone before its outbound call connected' });
    announceRun(ctx, run.id);
    return refuse(StreamErrorCode.AgentNotFound, 'agent not found', { run_id: run.id });
  }
  const engine = await engineOf(ctx, agent.organizationId, agent.version);
  if (!engine.ok) {
    log.error({ agent_id: agent.id, agent_version_id: agent.version.id, ...engine.failure }, 'stored engine configuration is unusable');
    await finalizeRun(ctx.prisma, { runId: run.id, state: RunState.Failed, endReason: EndReason.ServerError, error: 'stored engine configuration is unusable' });
    announceRun(ctx, run.id);
    return reject(StreamErrorCode.Internal, 'server error');
  }
  log.info({ run_id: run.id, run_name: run.name, agent_id: agent.id, telephony_configuration_id: run.telephonyConfigurationId }, 'outbound stream attached');
  return {
    ok: true,
    run: {
      id: run.id,
      name: run.name,
      agent_uuid: run.agentUuid,
      provider: run.mode,
      telephony_configuration_id: run.telephonyConfigurationId,
      engine: engine.engine,
      max_duration_ms: run.maxDurationS === null ? null : run.maxDurationS * 1000,
      initial_context: objectOf(run.initialContext),
      recording: agent.recordingEnabled,
      replica: ctx.replicaId,
    },
  };
}
