import type { CallEvent, ProviderName } from '@vr3/protocol';
import type { HandshakeOrder } from './adapter.ts';
import type { ProviderFrameErrorCode } from './errors.ts';

/** One recorded inbound frame and what the adapter must make of it. */
export interface InboundFixture {
  /** Short description, used as the test name. */
  name: string;
  /** Where the frame comes from (a section of the provider reference, or "edge case"). */
  source: string;
  /** The frame as it arrives on the socket. */
  frame: string | Buffer;
  /** Arrived as a binary WebSocket frame. Default false. */
  isBinary?: boolean;
  /** The normalized event (`null`: ignored), or the `ProviderFrameError` code it must throw. */
  expect: { event: CallEvent | null } | { error: ProviderFrameErrorCode };
}

/** One outbound frame request and the JSON the provider must receive. */
export interface OutboundFixture {
  name: string;
  /** What to serialize. */
  frame: { kind: 'media'; payload: Buffer } | { kind: 'mark'; name: string } | { kind: 'clear' };
  /** The parsed JSON the provider must receive, key order included. */
  expected: Record<string, unknown>;
}

/** Everything the conformance suite checks for one provider. */
export interface ProviderFixtures {
  provider: ProviderName;
  handshake: HandshakeOrder;
  inbound: readonly InboundFixture[];
  /** A `start` frame the adapter parses and binds before the outbound cases. */
  bindWith: string;
  outbound: readonly OutboundFixture[];
}
