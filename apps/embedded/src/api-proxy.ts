import http from 'node:http';
import type { Logger } from 'pino';
import type { RequestHandler } from 'express';

/** Headers of one connection, not of the request: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * Forwards each request, as received (path, headers, streamed body), to the HTTP server on the Unix
 * socket `socketPath`, and streams its answer back. The embedded product's REST API runs on the
 * control-plane thread behind it. A request the thread cannot take gets 503 `control_plane_unavailable`.
 */
export function forwardToSocket(socketPath: string, logger: Logger): RequestHandler {
  const agent = new http.Agent({ keepAlive: true });
  return (req, res) => {
    const upstream = http.request({ socketPath, agent, method: req.method, path: req.originalUrl, headers: forwardable(req.headers) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      logger.warn({ err }, 'control-plane thread did not take a request');
      res.status(503).json({ error: { code: 'control_plane_unavailable', message: 'the control-plane is not available; retry' } });
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}
