/**
 * The provider REST stand-in (`vr3-sim provider-api`) in a process of its own. A real provider's
 * API answers from its own machines; run inside the load generator, the stand-in's answers to the
 * product's call validations would wait behind the generator's sockets whenever the generator is
 * short of CPU, and the product's handshake would carry that wait.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { spawnOnCore, stopProcess, waitForLine } from './processes.ts';
import { ROOT } from './product.ts';

const LAUNCHER = path.join(ROOT, 'packages/simulator/bin/vr3-sim.mjs');

/** A running stand-in: its base URL and credential, and how to stop it. */
export interface ProviderApiProcess {
  pid: number;
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port, on `core` when given; resolves once it listens. */
export async function startProviderApiProcess(core: number | null): Promise<ProviderApiProcess> {
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawnOnCore(core, process.execPath, [LAUNCHER, 'provider-api', '--port', '0', '--token', token, '--quiet'], env, ROOT);
  const close = (): Promise<void> => stopProcess(child, 5_000);
  try {
    const m = await waitForLine(child, /listening on (http:\/\/\S+)/, 30_000);
    return { pid: child.pid!, url: m[1]!, token, close };
  } catch (err) {
    await close();
    throw err;
  }
}
