/**
 * `@vr3/simulator`: plays telephony providers against Agent Stream — one call, a provider REST API
 * stand-in, and a load generator — for trying the product without a provider account and for
 * benchmarks. The `vr3-sim` command line wraps it.
 */
export { SimulatorError, SimulatorErrorCode } from './errors.ts';
export { FRAME_MS, frameBytes, frameSamples, encodeWire, decodeWire, type WireFormat } from './audio/wire-format.ts';
export { decodeBase64Into } from './audio/base64.ts';
export { MarkerReader, markerLayout, readMarkerAt, writeMarker, MARKER_SEQ_MODULO, type MarkerLayout } from './audio/marker.ts';
export { wavToPcm, tone, base64Frames, pcmToWav } from './audio/source.ts';
export {
  ServerFrameKind,
  newServerFrame,
  type ProviderPeer,
  type PeerFactory,
  type PeerOptions,
  type PeerCallInfo,
  type ServerFrame,
} from './peers/peer.ts';
export { CloudonixPeer, cloudonixPeers } from './peers/cloudonix.ts';
export { TwilioPeer, twilioPeers } from './peers/twilio.ts';
export { ExotelPeer, exotelPeers } from './peers/exotel.ts';
export { PlivoStylePeer, vobizPeers, plivoPeers } from './peers/plivo-style.ts';
export { getPeerFactory, peerProviders, registerPeerFactory } from './peers/registry.ts';
export { runCall, type RunCallOptions, type CallReport, type TimelineEntry, type DtmfCue } from './call/run-call.ts';
export {
  startProviderApi,
  PROVIDER_API_DEFAULTS,
  type ProviderApi,
  type ProviderApiOptions,
  type ApiRequestRecord,
  type ApiOperation,
} from './api/provider-api.ts';
export { runLoad, LOAD_DEFAULTS, type LoadOptions, type LoadResult } from './load/run-load.ts';
export { formatLoadResult } from './load/report.ts';
export { runBurst, BURST_DEFAULTS, type BurstOptions, type BurstResult, type BurstCallRecord } from './load/run-burst.ts';
export { BurstFailure } from './load/burst-call.ts';
export { formatBurstResult } from './load/burst-report.ts';
export { Histogram, type Percentiles } from './load/histogram.ts';
export { setupProduct, streamUrl, type SetupOptions, type SetupResult } from './setup.ts';
export { PROVIDER_DEFAULTS, SIM_PROVIDERS, providerDefaults, accountQuery, type ProviderDefaults, type SimProvider } from './provider-defaults.ts';
export { findCapacity, type SearchOptions, type SearchResult } from './load/capacity-search.ts';
/** The CLI's commands and their usage texts (what `vr3-sim help` prints), e.g. to check docs against them. */
export { COMMANDS, commandUsage, type Command } from './cli/usage.ts';
