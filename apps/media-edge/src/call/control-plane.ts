import { setTimeout as sleep } from 'node:timers/promises';
import {
  BusError,
  BusErrorCode,
  parseMessage,
  RunActionResponseSchema,
  RunEventsResponseSchema,
  RunFinalizeResponseSchema,
  RunRecordingResponseSchema,
  RunStartResponseSchema,
  StreamAdmitResponseSchema,
  StreamErrorCode,
  Subjects,
  type Bus,
  type MediaStats,
  type RunActionRequest,
  type RunActionResponse,
  type RunClose,
  type RunEvent,
  type RunEventsRequest,
  type RunEventsResponse,
  type RunFinalizeRequest,
  type RunRecordingRequest,
  type RunRecordingResponse,
  type RunStartRequest,
  type RunStartResponse,
  type StartEvent,
  type StreamAdmitRequest,
  type StreamAdmitResponse,
  type StreamUpgrade,
} from '@vr3/protocol';
import type { z } from 'zod';
import type { CallOutcome } from '../errors.ts';
import type { BusOp, EdgeMetrics } from '../metrics.ts';

/** Options of {@link ControlPlaneClient}. */
export interface ControlPlaneClientOptions {
  bus: Bus;
  edgeId: string;
  metrics: EdgeMetrics;
  /** Timeout of each request but `RunStart`. */
  timeoutMs: number;
  /** Timeout of `RunStart` (it includes the provider's session validation). */
  startTimeoutMs: number;
  /** Finalize attempts and the first retry delay (doubling). */
  finalizeAttempts: number;
  finalizeBackoffMs: number;
}

/** The edge's side of the bus: one typed method per request, each with a timeout, metrics and response validation. */
export class ControlPlaneClient {
  private admitting = 0;

  constructor(private readonly options: ControlPlaneClientOptions) {}

  get edgeId(): string {
    return this.options.edgeId;
  }

  /** `StreamAdmit` requests awaiting their answer (until answered, failed or timed out). */
  get admissionsInFlight(): number {
    return this.admitting;
  }

  /**
   * `StreamAdmit`, with `timeout_ms` = this request's timeout: the control-plane refuses a request
   * whose wait ran out before it minted a run, and undoes a run it minted too late.
   */
  async admit(provider: string, agentUuid: string, query: Record<string, string>): Promise<StreamAdmitResponse> {
    const { edgeId, timeoutMs, metrics } = this.options;
    const req: StreamAdmitRequest = { edge_id: edgeId, provider, agent_uuid: agentUuid, query, timeout_ms: timeoutMs };
    this.admitting++;
    metrics.pendingAdmissions.inc();
    try {
      const res = await this.request('admit', Subjects.StreamAdmit, req, StreamAdmitResponseSchema, timeoutMs).catch(asRefusal);
      if (!res.ok) metrics.admissionsRefused.inc({ code: res.error.code });
      return res;
    } finally {
      this.admitting--;
      metrics.pendingAdmissions.dec();
    }
  }

  /**
   * `RunStart`, with what the upgrade request carried for a provider signature check (when
   * anything): to the replica that admitted the run (`replica`), which holds it as admitted, else
   * (none named, or nobody answers there) to any replica.
   */
  async start(runId: string, start: StartEvent, upgrade?: StreamUpgrade, replica?: string): Promise<RunStartResponse> {
    const req: RunStartRequest = { run_id: runId, edge_id: this.options.edgeId, start: toStartBody(start) };
    if (upgrade !== undefined) req.upgrade = upgrade;
    const ask = (subject: string) => this.request('start', subject, req, RunStartResponseSchema, this.options.startTimeoutMs);
    try {
      if (replica !== undefined) {
        try {
          return await ask(Subjects.runStartAt(replica));
        } catch (err) {
          if (!(err instanceof BusError && err.code === BusErrorCode.NoResponders)) throw err;
        }
      }
      return await ask(Subjects.RunStart);
    } catch (err) {
      return asRefusal(err);
    }
  }

  action(runId: string, action: RunActionRequest['action'], target?: string): Promise<RunActionResponse> {
    const req: RunActionRequest = target === undefined ? { run_id: runId, action } : { run_id: runId, action, target };
    return this.request('action', Subjects.RunAction, req, RunActionResponseSchema);
  }

  /** Stores a batch of the run's events (idempotent by `seq` on the control-plane). Rejects on a bus failure. */
  events(runId: string, events: RunEvent[]): Promise<RunEventsResponse> {
    const req: RunEventsRequest = { run_id: runId, edge_id: this.options.edgeId, events };
    return this.request('events', Subjects.RunEvents, req, RunEventsResponseSchema);
  }

  /**
   * Finalizes a run, retrying with doubling backoff on bus failures. Resolves true once the
   * control-plane acknowledged, false when every attempt failed or the bus is closed (the
   * control-plane's reaper ends the run then). Never rejects. `close`: how the provider's socket
   * closed, recorded on the run (null: not known).
   */
  async finalize(runId: string, outcome: CallOutcome, stats: MediaStats, close: RunClose | null = null): Promise<boolean> {
    const req: RunFinalizeRequest = { run_id: runId, edge_id: this.options.edgeId, state: outcome.state, end_reason: outcome.endReason, stats };
    if (outcome.error !== undefined) req.error = outcome.error;
    if (outcome.stopReason !== undefined) req.stop_reason = outcome.stopReason;
    if (close !== null) req.close = close;
    let delay = this.options.finalizeBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.request('finalize', Subjects.RunFinalize, req, RunFinalizeResponseSchema);
        return true;
      } catch (err) {
        const closed = err instanceof BusError && err.code === BusErrorCode.Closed;
        if (closed || attempt >= this.options.finalizeAttempts) return false;
      }
      await sleep(delay);
      delay *= 2;
    }
  }

  /** Records a stored call recording on its run (idempotent). Rejects on a bus failure. */
  recorded(req: Omit<RunRecordingRequest, 'edge_id'>): Promise<RunRecordingResponse> {
    const body: RunRecordingRequest = { ...req, edge_id: this.options.edgeId };
    return this.request('recording', Subjects.RunRecording, body, RunRecordingResponseSchema);
  }

  private async request<S extends z.ZodType>(op: BusOp, subject: string, data: unknown, schema: S, timeoutMs = this.options.timeoutMs): Promise<z.infer<S>> {
    const end = this.options.metrics.busRequestSeconds.startTimer({ op });
    try {
      const res = parseMessage(schema, await this.options.bus.request(subject, data, { timeoutMs }));
      end({ outcome: 'ok' });
      return res;
    } catch (err) {
      end({ outcome: err instanceof BusError ? err.code : 'error' });
      throw err;
    }
  }
}

/**
 * A control-plane that refused the request's text itself (`parseMessage` raises `malformed_handshake`
 * for NUL or an unpaired surrogate) answers with a failure instead of a response: that is a refusal
 * (4400), not an unavailable control-plane (1011). Any other failure is rethrown.
 */
function asRefusal(err: unknown): { ok: false; error: { code: StreamErrorCode; message: string } } {
  const cause = err instanceof BusError && err.code === BusErrorCode.Remote ? (err.cause as { code?: unknown } | null | undefined) : undefined;
  if (cause?.code === StreamErrorCode.MalformedHandshake) return { ok: false, error: { code: StreamErrorCode.MalformedHandshake, message: 'malformed handshake' } };
  throw err;
}

function toStartBody(start: StartEvent): RunStartRequest['start'] {
  const body: RunStartRequest['start'] = {
    stream_id: start.streamId,
    custom_parameters: start.customParameters,
    media_format: { encoding: start.mediaFormat.encoding, sampleRate: start.mediaFormat.sampleRate },
    metadata: start.metadata,
  };
  if (start.callId !== undefined) body.call_id = start.callId;
  if (start.sessionId !== undefined) body.session_id = start.sessionId;
  if (start.accountId !== undefined) body.account_id = start.accountId;
  if (start.from !== undefined) body.from = start.from;
  if (start.to !== undefined) body.to = start.to;
  return body;
}
