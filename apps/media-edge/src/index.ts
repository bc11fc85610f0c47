export { createMediaEdge, RECORDINGS_DRAIN_TIMEOUT_MS, type EdgeRecordingsSetup, type MediaEdge, type MediaEdgeOptions } from './edge.ts';
export { DEFAULT_MEDIA_EDGE_CONFIG, resolveMediaEdgeConfig, type MediaEdgeConfig } from './config.ts';
export {
  MediaEdgeError,
  MediaEdgeErrorCode,
  CallEnd,
  CALL_ENDS,
  type CallOutcome,
  type FinalRunState,
} from './errors.ts';
export { AGENT_STREAM_PATH_PREFIX } from './routing.ts';
export { addAcceptHandles, DEFAULT_ACCEPT_HANDLES, type AcceptHandles } from './transport/accept-handles.ts';
export { createEdgeMetrics, type EdgeMetrics } from './metrics.ts';
export { createProductEngines } from './app/engines.ts';
export { createLimitedHttpServer, DEFAULT_HTTP_LIMITS, type ServerTls } from './app/http-limits.ts';
export { isPublicBaseUrl } from './config.ts';
export { EDGE_ENDPOINT_ENV, edgeEndpointSettings, type EdgeEndpointDefaults, type EdgeEndpointEnv, type EdgeEndpointSettings } from './app/endpoint-env.ts';
