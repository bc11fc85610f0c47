import { pipeline } from 'node:stream/promises';
import { RecordingStoreError, RecordingStoreErrorCode } from '@vr3/recordings';
import { Router } from 'express';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { parseByteRange } from '../recordings/range.ts';
import { recordingView } from '../recordings/run-recordings.ts';
import { principal } from './middleware.ts';

/**
 * `GET /runs/{id}/recording`: the call's two-channel WAV (caller left, agent right), from the
 * recording store, with HTTP range requests (`Accept-Ranges: bytes`, 206 for a satisfiable single
 * range, 416 for one past the end). 404 `recording_not_found` when the run has none (not recorded,
 * not stored yet, or deleted by retention). `admin` only (roles.ts): recordings hold callers' voices.
 */
export function recordingRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.get('/runs/:id/recording', async (req, res) => {
    const run = await ctx.prisma.workflowRun.findFirst({ where: { id: req.params.id, organizationId: principal(res).organizationId } });
    if (!run) throw new ApiError('run_not_found', 'run not found');
    const view = recordingView(run);
    const store = ctx.recordings;
    if (!view || !store || run.recordingKey === null) throw new ApiError('recording_not_found', 'this run has no recording');
    const size = view.bytes;
    const range = parseByteRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      throw new ApiError('range_not_satisfiable', `the recording is ${size} bytes`);
    }
    let body;
    try {
      body = await store.read(run.recordingKey, range ?? undefined);
    } catch (err) {
      if (err instanceof RecordingStoreError && err.code === RecordingStoreErrorCode.NotFound) throw new ApiError('recording_not_found', 'this run has no recording');
      ctx.logger.warn({ run_id: run.id, code: (err as { code?: unknown }).code }, 'recording storage unavailable');
      throw new ApiError('recording_storage_unavailable', 'the recording storage did not answer; try again');
    }
    res.status(range ? 206 : 200);
    res.setHeader('Content-Type', 'audio/wav');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `inline; filename="${run.name}.wav"`);
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : size));
    if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    try {
      await pipeline(body, res);
    } catch (err) {
      // The client went away, or the store broke off mid-body: nothing more can be said to the client.
      ctx.logger.debug({ run_id: run.id, err }, 'recording download ended early');
    }
  });

  return router;
}
