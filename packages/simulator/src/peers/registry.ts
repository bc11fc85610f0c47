/**
 * Provider peers by name. Cloudonix is built in; the other providers' peers register here as their
 * framing lands (see the package README, "Adding a provider").
 */
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { cloudonixPeers } from './cloudonix.ts';
import type { PeerFactory } from './peer.ts';

const PEERS = new Map<string, PeerFactory>([[cloudonixPeers.provider, cloudonixPeers]]);

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
