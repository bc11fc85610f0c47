export { createNatsBus, type NatsBusOptions, type BusLogger } from './nats-bus.ts';
export { watchConnection, type ConnectionState, type WatchConnectionOptions } from './connection-state.ts';
export { ERROR_HEADER } from './codec.ts';
