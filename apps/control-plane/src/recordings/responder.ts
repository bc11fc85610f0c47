import { parseMessage, RunRecordingRequestSchema, type RunRecordingResponse } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { recordRecording } from './run-recordings.ts';

/**
 * `RunRecording`: the edge stored a call's recording; it is recorded on the run (idempotent).
 * `run_not_found` when the run is gone (its agent deleted): the edge deletes the recording.
 */
export async function handleRunRecording(ctx: ControlPlaneContext, data: unknown): Promise<RunRecordingResponse> {
  const req = parseMessage(RunRecordingRequestSchema, data);
  if (!(await recordRecording(ctx.prisma, req))) return { ok: false, error: { code: 'run_not_found', message: 'run not found' } };
  ctx.logger.info({ run_id: req.run_id, edge_id: req.edge_id, bytes: req.bytes, duration_ms: req.duration_ms }, 'call recording recorded');
  return { ok: true };
}
