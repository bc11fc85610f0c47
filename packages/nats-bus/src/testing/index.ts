/** Test peers: a real `nats-server` child process on 127.0.0.1, and port helpers. */
export { startNatsServer, freePort, waitForPort, stopChild, type TestNatsServer, type StartNatsServerOptions } from './nats-server.ts';
