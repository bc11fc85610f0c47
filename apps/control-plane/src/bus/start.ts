import {
  RunState,
  RunStartRequestSchema,
  STREAM_ERRORS,
  StreamErrorCode,
  parseMessage,
  type RunStartRequest,
  type RunStartResponse,
  type StreamSettings,
} from '@vr3/protocol';
import { getProvider, type ProviderDescriptor } from '@vr3/providers';
import type { ControlPlaneContext } from '../context.ts';
import {
  recordStart,
  sessionKeyOf,
  startRunExclusively,
  type ProviderSession,
  type StartRecord,
} from '../db/live-session.ts';
import type { ConfigurationRow } from '../db/rows.ts';
import { finalizeRun } from '../db/runs.ts';
import { findStartingRun } from '../db/starting-run.ts';
import { resolveConfiguration } from '../providers/resolve.ts';
import { providerTargetFor } from '../providers/run-target.ts';
import { checkStreamSignature } from '../providers/stream-signature.ts';
import { announceRun } from '../live/feed.ts';
import { boundStartMetadata } from './start-metadata.ts';

type JsonObject = Record<string, unknown>;

function objectOf(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** Keeps only defined values. */
function defined(entries: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/** The stored settings of a configuration, as strings (anything else was never accepted). */
function settingsOf(configuration: ConfigurationRow): StreamSettings {
  const out: StreamSettings = {};
  for (const [k, v] of Object.entries(objectOf(configuration.settings))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The account id the stream named: `start`'s, else the query parameter recorded at admission. */
function namedAccount(descriptor: ProviderDescriptor, start: RunStartRequest['start'], logs: JsonObject): string | undefined {
  if (start.account_id !== undefined && start.account_id !== '') return start.account_id;
  const webhook = objectOf(logs['inbound_webhook']);
  for (const param of descriptor.accountParams) {
    const value = webhook[param];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Longest account id quoted in a run's `error` (valid ids are at most 128 characters). */
const MAX_QUOTED_ACCOUNT = 128;

/**
 * The run's `error` for a configuration refused at `start`: the code and the account presented (an
 * identifier, never a credential; cut to {@link MAX_QUOTED_ACCOUNT} characters), so the run says
 * which account found no usable configuration.
 */
function refusalDetail(code: StreamErrorCode, presented: string | undefined): string {
  const account = presented?.trim();
  if (!account) return code;
  const quoted = [...account].slice(0, MAX_QUOTED_ACCOUNT).join('');
  return `${code}: account ${JSON.stringify(quoted)}${quoted.length < account.length ? ' (cut)' : ''}`;
}

/**
 * `RunStart`: matches the telephony configuration when the provider names its account in `start`
 * (Exotel, Twilio, Vobiz, Plivo; the query parameter is the fallback), records the `start` ids and
 * metadata on the run (numbers missing from the URL are taken from `start`) and moves it to `running`
 * once the call is validated with the stored credentials (a timeout is a failure), in one update,
 * and answers with the configuration's stream settings. On a failed validation the `start`
 * metadata (bounded by {@link boundStartMetadata}) is recorded and the run finalized `failed` first.
 * One provider session (session id, else call SID) of a configuration streams once: while another
 * run of it is live the run is finalized `failed`/`duplicate_session` (checked atomically with the
 * move to `running`, see {@link startRunExclusively}).
 */
export async function handleRunStart(ctx: ControlPlaneContext, data: unknown): Promise<RunStartResponse> {
  const req = parseMessage(RunStartRequestSchema, data);
  const { start } = req;
  const log = ctx.logger.child({ run_id: req.run_id, edge_id: req.edge_id });
  // The run as its admission minted it, when this replica admitted it; else as stored.
  const run = ctx.admittedRuns.take(req.run_id) ?? (await findStartingRun(ctx.pool, req.run_id));
  if (!run || run.state !== RunState.Initialized) {
    log.warn({ state: run?.state ?? null }, 'start for a run that is not awaiting it');
    return { ok: false, error: { code: StreamErrorCode.Internal, message: 'run is not awaiting start' } };
  }
  const fail = async (code: StreamErrorCode, message: string, error: string): Promise<RunStartResponse> => {
    await finalizeRun(ctx.prisma, { runId: run.id, state: RunState.Failed, endReason: STREAM_ERRORS[code].endReason, error });
    announceRun(ctx, run.id);
    return { ok: false, error: { code, message } };
  };

  const gathered = objectOf(run.gatheredContext);
  const logs = objectOf(run.logs);
  const initial = objectOf(run.initialContext);
  const nextInitial = {
    ...initial,
    caller_number: initial['caller_number'] ?? start.from ?? null,
    called_number: initial['called_number'] ?? start.to ?? null,
  };
  const nextGathered = {
    ...gathered,
    ...defined({ stream_id: start.stream_id, call_sid: start.call_id, session_id: start.session_id, account_id: start.account_id }),
    ...(gathered['call_id'] === undefined && start.call_id !== undefined ? { call_id: start.call_id } : {}),
  };
  // Only the key `start` changes: other keys (provider callbacks of an outbound call) may be written meanwhile.
  const nextLogs = { inbound_webhook: { ...objectOf(logs['inbound_webhook']), start: boundStartMetadata(start.metadata) } };
  const recordOf = (configuration: ConfigurationRow | null): StartRecord => ({
    gatheredContext: nextGathered,
    initialContext: nextInitial,
    logs: nextLogs,
    edgeId: req.edge_id,
    telephonyConfigurationId: configuration?.id ?? null,
  });
  /** Refused before the call is validated: `start` (ids, account, metadata) is recorded on the run first, so the refusal says what was presented. */
  const refuse = async (code: StreamErrorCode, message: string, error: string, configuration: ConfigurationRow | null): Promise<RunStartResponse> => {
    if (!(await recordStart(ctx.pool, run.id, recordOf(configuration)))) {
      return { ok: false, error: { code: StreamErrorCode.Internal, message: 'run ended before it started' } };
    }
    return fail(code, message, error);
  };

  // Validation, hangup and transfer all name the call: without its id nothing is asked of the provider.
  const sessionId = sessionKeyOf(start);
  if (sessionId === undefined) {
    log.info({ provider: run.mode }, 'stream refused at start: no call or session id');
    return refuse(StreamErrorCode.MalformedHandshake, 'malformed handshake', 'malformed handshake: start has no call or session id', run.telephonyConfiguration);
  }

  let configuration = run.telephonyConfiguration;
  const descriptor = getProvider(run.mode);
  if (descriptor?.accountSource === 'start') {
    const presented = namedAccount(descriptor, start, logs);
    const match = await resolveConfiguration(ctx, run.organizationId, descriptor.name, presented);
    if (!match.ok) {
      log.info({ code: match.code, provider: run.mode }, 'stream refused at start');
      return refuse(match.code, match.message, refusalDetail(match.code, presented), null);
    }
    configuration = match.configuration;
  }
  // The provider's signature of the upgrade request (Twilio, when the edge knows its public URL).
  const signature = checkStreamSignature(ctx, configuration, req.upgrade);
  if (!signature.ok) {
    log.info({ code: signature.code, provider: run.mode, detail: signature.error }, 'stream refused at start');
    return fail(signature.code, signature.message, signature.error);
  }
  const record = recordOf(configuration);

  // Validate first, then record `start` and move to `running` in one update (taking the session's
  // key); a failed validation records `start` before finalizing the run.
  const session: ProviderSession | undefined = configuration ? { telephonyConfigurationId: configuration.id, sessionId } : undefined;
  const duplicate = async (liveRun: { name: string }): Promise<RunStartResponse> => {
    log.info({ provider: run.mode, live_run: liveRun.name }, 'stream refused: provider session already streaming');
    return fail(StreamErrorCode.DuplicateSession, 'duplicate session', `duplicate session: live run ${liveRun.name}`);
  };
  try {
    const { client, ref } = providerTargetFor(ctx, configuration, sessionId);
    await client.validateCall(ref);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const status = (err as { status?: unknown }).status;
    const detail = typeof code === 'string' ? code : 'validation_error';
    log.warn({ err, provider: run.mode }, 'session validation failed');
    return refuse(
      StreamErrorCode.SessionValidationFailed,
      'session validation failed',
      `session validation failed: ${detail}${typeof status === 'number' ? ` (${status})` : ''}`,
      configuration,
    );
  }

  const startedAt = new Date();
  const started = session
    ? await startRunExclusively(ctx.pool, run.id, session, record, startedAt, { maxWaitMs: ctx.config.transactionMaxWaitMs })
    : { outcome: (await recordStart(ctx.pool, run.id, record, { at: startedAt })) ? ('started' as const) : ('ended' as const) };
  if (started.outcome === 'duplicate') return duplicate(started.liveRun);
  if (started.outcome === 'ended') return { ok: false, error: { code: StreamErrorCode.Internal, message: 'run ended before it started' } };
  log.info({ telephony_configuration_id: configuration?.id }, 'run running');
  announceRun(ctx, run.id);
  return { ok: true, settings: configuration ? settingsOf(configuration) : {}, initial_context: nextInitial };
}
