/**
 * Provider peers by name: every provider `call` plays (Cloudonix, Twilio, Exotel, Vobiz, Plivo).
 * Another provider's peers register here (see the package README, "Providers").
 */
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { cloudonixPeers } from './cloudonix.ts';
import type { PeerFactory } from './peer.ts';
import { exotelPeers } from './exotel.ts';
import { plivoPeers, vobizPeers } from './plivo-style.ts';
import { twilioPeers } from './twilio.ts';

const PEERS = new Map<string, PeerFactory>([
  [cloudonixPeers.provider, cloudonixPeers],
  [twilioPeers.provider, twilioPeers],
  [exotelPeers.provider, exotelPeers],
  [vobizPeers.provider, vobizPeers],
  [plivoPeers.provider, plivoPeers],
]);

/** Every provider the simulator can play, in registration order. */
export function peerProviders(): string[] {
  return [...PEERS.keys()];
}

/** The peer factory of `provider`; throws `unsupported_provider` for one the simulator cannot play. */
export function getPeerFactory(provider: string): PeerFactory {
  const factory = PEERS.get(provider);
  if (!factory) {
    throw new SimulatorError(
      SimulatorErrorCode.UnsupportedProvider,
      `the simulator cannot play provider "${provider}" (available: ${peerProviders().join(', ')})`,
    );
  }
  return factory;
}

/** Adds (or replaces) the peers of one provider. */
export function registerPeerFactory(factory: PeerFactory): void {
  PEERS.set(factory.provider, factory);
}
