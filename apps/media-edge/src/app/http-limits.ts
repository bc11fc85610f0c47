import http from 'node:http';
import { httpServerOptions, type HttpServerLimits } from '@vr3/env';

/**
 * Defaults of {@link HttpServerLimits} for the media-edge and the embedded product, each overridable
 * by the variable named beside it.
 */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpServerLimits> = Object.freeze({
  /** VR3_HTTP_HEADERS_TIMEOUT_MS: 10 s. A provider sends its upgrade in one packet; Node's 60 s let idle half-requests pile up. */
  headersTimeoutMs: 10_000,
  /** VR3_HTTP_REQUEST_TIMEOUT_MS: 30 s for a whole request (REST bodies are at most 64 KiB). */
  requestTimeoutMs: 30_000,
  /** VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: 5 s (Node's default); raise it above a load balancer's idle timeout. */
  keepAliveTimeoutMs: 5_000,
  /** VR3_MAX_CONNECTIONS: 5000: the default 1000 calls, their pending handshakes and REST clients, well under a raised `ulimit -n`. */
  maxConnections: 5_000,
});

/**
 * An `http.Server` with `limits` applied: request timeouts (`httpServerOptions` of `@vr3/env`) and
 * at most `maxConnections` open connections. Node's own `maxConnections` closes a connection beyond
 * it as soon as its handle accepts it, but counts that handle's connections only; connections
 * handed to the server from elsewhere (extra accept handles, `'connection'` events) are counted
 * here too, and one beyond the cap is closed at once.
 */
export function createLimitedHttpServer(limits: HttpServerLimits, listener?: http.RequestListener): http.Server {
  const server = http.createServer(httpServerOptions(limits), listener);
  server.maxConnections = limits.maxConnections;
  let open = 0;
  server.on('connection', (socket) => {
    if (open >= limits.maxConnections) {
      socket.destroy();
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
  return server;
}
