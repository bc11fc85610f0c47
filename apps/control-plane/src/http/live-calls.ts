import { Router } from 'express';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { credentialStillHolds } from '../live/recheck.ts';
import { LiveStream } from '../live/live-stream.ts';
import { SSE_HEADERS } from '../live/sse-writer.ts';
import { principal } from './middleware.ts';
import { ROUTE_ROLES, compileRouteRoles, hasRole } from './roles.ts';

const roleOf = compileRouteRoles(ROUTE_ROLES);
/** Who may open the stream: the route's own role. */
const STREAM_ROLE = roleOf('GET', '/live-calls/events');
/** Who sees transcript lines on it: whoever may read a run's events (`GET /runs/{id}/events`). */
const TRANSCRIPT_ROLE = roleOf('GET', '/runs/{id}/events');

/**
 * `GET /live-calls/events`: the organization's live calls as Server-Sent Events (docs/live-calls.md):
 * `snapshot`, then `call.started`, `call.updated`, `call.ended` and, for principals who may read run
 * events, `call.transcript`; a comment line every 15 s. A reconnecting client gets a fresh snapshot
 * (`Last-Event-ID` is not used). 503 `too_many_live_streams` past the replica's bound, 503
 * `shutting_down` while the replica stops.
 */
export function liveCallRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const streams = ctx.liveStreams;

  router.get('/live-calls/events', async (req, res) => {
    if (streams.closed) throw new ApiError('shutting_down', 'this server is shutting down; reconnect');
    if (!streams.hasRoom) throw new ApiError('too_many_live_streams', 'too many live-calls streams on this server; retry later');
    // HEAD (answered by GET routes): the headers only, never a stream left open without a body.
    if (req.method === 'HEAD') return void res.status(200).set(SSE_HEADERS).end();
    const who = principal(res);
    const stream = new LiveStream(
      ctx,
      res,
      {
        organizationId: who.organizationId,
        transcripts: hasRole(who.role, TRANSCRIPT_ROLE),
        stillAllowed: () => credentialStillHolds(ctx, req.headers, who, STREAM_ROLE),
      },
      streams.options,
    );
    streams.add(stream);
    try {
      await stream.start();
    } catch (err) {
      // The headers are sent: the error handler cannot answer any more. End the stream; the client reconnects.
      ctx.logger.error({ err }, 'live-calls stream failed to start');
      stream.close();
    }
  });

  return router;
}
