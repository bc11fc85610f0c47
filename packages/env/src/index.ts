/**
 * Schema pieces and the parse step every VR3 app uses for its environment, and the settings they
 * share (HTTP server limits, `/metrics` access). Apps read `process.env` once at boot and hand it
 * here; this package reads no environment itself.
 */
export { ConfigError } from './errors.ts';
export { envBool, envInt, envUrl, parseEnv } from './parse.ts';
export {
  hostOf,
  isConnectionFailure,
  UNTIL_AVAILABLE_DEFAULTS,
  untilAvailable,
  type AvailabilityLogger,
  type UntilAvailableOptions,
} from './until-available.ts';
export { HTTP_SERVER_ENV, httpServerLimits, httpServerOptions, type HttpServerEnv, type HttpServerLimits } from './http-server.ts';
export {
  METRICS_ACCESS_ENV,
  METRICS_UNAUTHORIZED,
  metricsAccess,
  metricsAuthorized,
  MIN_METRICS_TOKEN_LENGTH,
  type MetricsAccess,
  type MetricsAccessEnv,
} from './metrics-access.ts';
export {
  DEFAULT_TLS_RELOAD_DEBOUNCE_MS,
  httpsServerOptions,
  readTlsCredentials,
  reloadServerTls,
  TLS_ENV,
  tlsFiles,
  watchTlsFiles,
  type TlsCredentials,
  type ServerTlsReloadOptions,
  type TlsEnv,
  type TlsFiles,
  type TlsReloadLogger,
  type TlsWatch,
  type TlsWatchOptions,
} from './tls.ts';
export { derivedPublicUrl, isPublicBaseUrl, PUBLIC_URL_ENV, publicBasesOf, type ListenAddress, type PublicBases } from './public-url.ts';
