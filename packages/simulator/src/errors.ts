import { Vr3Error } from '@vr3/protocol';

/** Stable codes for every failure the simulator raises. Branch on these, never on `message`. */
export const SimulatorErrorCode = {
  /** A command-line option or API option is missing or out of range. */
  InvalidOption: 'invalid_option',
  /** No provider peer is registered for the requested provider name. */
  UnsupportedProvider: 'unsupported_provider',
  /** The WebSocket could not be opened (network failure or refused upgrade). */
  ConnectFailed: 'connect_failed',
  /** An input audio file could not be read or converted. */
  InvalidAudio: 'invalid_audio',
  /** A request to the product's REST API failed. */
  ProductApi: 'product_api',
  /** The provider REST stand-in (`--provider-api`) did not answer. */
  ProviderApiUnreachable: 'provider_api_unreachable',
} as const;

/** One of {@link SimulatorErrorCode}. */
export type SimulatorErrorCode = (typeof SimulatorErrorCode)[keyof typeof SimulatorErrorCode];

/** The simulator's error class; `cause` is chained, `retryable` only for connection failures. */
export class SimulatorError extends Vr3Error<SimulatorErrorCode> {}
