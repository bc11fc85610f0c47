import type { CallEvent, MediaFormat } from '@vr3/protocol';
import type { ProviderName } from './provider-name.ts';
import type { HandshakeOrder, OutboundFraming, ProviderSettings, StreamAdapterOptions } from './adapter.ts';
import type { ProviderConfigErrorCode, ProviderFrameErrorCode } from './errors.ts';

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
  /** Options the adapter is created with (e.g. Exotel's `sample-rate` query). */
  adapterOptions?: StreamAdapterOptions;
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

/** A `start` bound with settings: the formats and framing that result, and the frames built after. */
export interface BindingFixture {
  name: string;
  /** Options the adapter is created with. */
  adapterOptions?: StreamAdapterOptions;
  /** A `start` frame, parsed then bound. */
  start: string;
  /** The configuration's settings given to `bind`. */
  settings?: ProviderSettings;
  /** What the bound adapter reports, or the error `bind` must throw. */
  expect: { inbound: MediaFormat; outbound: MediaFormat; framing: OutboundFraming } | { error: ProviderConfigErrorCode };
  /** Outbound frames checked on this binding. */
  outbound?: readonly OutboundFixture[];
}

/** Everything the conformance suite checks for one provider. */
export interface ProviderFixtures {
  provider: ProviderName;
  handshake: HandshakeOrder;
  inbound: readonly InboundFixture[];
  /** At least one binding; the first is the provider's documented default. */
  bindings: readonly [BindingFixture, ...BindingFixture[]];
}
