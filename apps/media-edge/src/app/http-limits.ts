import http from 'node:http';
import https from 'node:https';
import { httpServerOptions, httpsServerOptions, readTlsCredentials, reloadServerTls, type HttpServerLimits, type TlsFiles, type TlsReloadLogger } from '@vr3/env';

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

/** Serve HTTPS (and WSS) from these files (`VR3_TLS_CERT_FILE`, `VR3_TLS_KEY_FILE`), reloaded when they change. */
export interface ServerTls {
  files: TlsFiles;
  /** Where the certificate in use at start, each reload and each refused reload are logged. */
  logger: TlsReloadLogger;
}

/**
 * An `http.Server` with `limits` applied: request timeouts (`httpServerOptions` of `@vr3/env`) and
 * at most `maxConnections` open connections. Node's own `maxConnections` closes a connection beyond
 * it as soon as its handle accepts it, but counts that handle's connections only; connections
 * handed to the server from elsewhere (extra accept handles, `'connection'` events) are counted
 * here too, and one beyond the cap is closed at once.
 *
 * With `tls` it is an `https.Server` under the same limits (a TLS handshake is bounded by the
 * headers timeout too), whose certificate and key are read again on `SIGHUP` and when the files
 * change; a pair that fails to load is logged and the one in use stays.
 */
export function createLimitedHttpServer(limits: HttpServerLimits, listener?: http.RequestListener, tls?: ServerTls | null): http.Server {
  let server: http.Server;
  if (tls) {
    // Checked at config time; read again here, as the files may have changed since.
    const credentials = readTlsCredentials(tls.files);
    const secure = https.createServer(httpsServerOptions(limits, credentials), listener);
    reloadServerTls(secure, tls.files, credentials, { logger: tls.logger, signals: process });
    tls.logger.info({ tls_fingerprint256: credentials.fingerprint256, tls_valid_to: credentials.validTo }, 'tls certificate loaded');
    server = secure;
  } else {
    server = http.createServer(httpServerOptions(limits), listener);
  }
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
