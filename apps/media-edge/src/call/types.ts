import type { EngineRegistry } from '@vr3/agent';
import type { Bus, StreamErrorCode, StreamUpgrade } from '@vr3/protocol';
import type { ProviderDescriptor } from '@vr3/providers';
import type { Logger } from 'pino';
import type { MediaEdgeConfig } from '../config.ts';
import type { EdgeMetrics } from '../metrics.ts';
import type { EdgeRecordings } from '../recording/edge-recordings.ts';
import type { ControlPlaneClient } from './control-plane.ts';

/** Where a call is in its life. `ending`: outcome decided, socket or finalize still pending. */
export type CallPhase = 'admitting' | 'handshaking' | 'starting' | 'running' | 'ending' | 'ended';

/** The provider socket as the call sees it. */
export interface CallTransport {
  send(text: string): void;
  /** Sends one text frame given as its UTF-8 bytes (optional). */
  sendBytes?(bytes: Buffer): void;
  readonly bufferedAmount: number;
  /** Sends a close frame; the transport enforces the close deadline. Idempotent. */
  close(code: number, reason: string): void;
  /**
   * Stops reading from the peer (a peer flooding the socket): nothing more arrives, its close frame
   * is not awaited, and the close deadline ends the socket (optional).
   */
  pause?(): void;
}

/** Everything one call needs. */
export interface CallDeps {
  transport: CallTransport;
  provider: ProviderDescriptor;
  agentUuid: string;
  query: Record<string, string>;
  controlPlane: ControlPlaneClient;
  bus: Bus;
  engines: EngineRegistry;
  config: MediaEdgeConfig;
  metrics: EdgeMetrics;
  logger: Logger;
  /** `performance.now()` when the socket opened. */
  openedAt: number;
  /**
   * Called once, when the provider's `start` has arrived or the call ended, whichever comes first:
   * from then on the socket no longer counts as a pending handshake.
   */
  handshakeSettled: () => void;
  /** What the stream's upgrade request carried for a provider signature check, sent with `RunStart`. */
  upgrade?: StreamUpgrade;
  /** The control-plane refused to admit the stream (counted and logged in aggregate by the edge). */
  admissionRefused?: (code: StreamErrorCode) => void;
  /** Where recorded calls' recordings go; absent: the edge stores none. */
  recordings?: EdgeRecordings;
}
