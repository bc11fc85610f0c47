/**
 * `vr3-sim` as an operator runs it, spawned against the embedded product and the simulator's own
 * provider REST stand-in: `setup` then `call` with no `--account` for every provider (the defaults
 * table drives both), `setup` twice (the second reuses, no extra agent), exit codes of good and
 * refused calls, and that the process exits right after the call ends.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_DEFAULTS, SIM_PROVIDERS, startProviderApi, type ProviderApi } from '@vr3/simulator';
import { ProductProcess } from '../harness/product.ts';
import { finalRun } from '../harness/cloudonix.ts';
import { entryArgs } from '../harness/entries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The launcher `npx vr3-sim` runs (through tsx), and the entry it hands over to (bundled for this run). */
const BIN = path.join(ROOT, 'packages/simulator/bin/vr3-sim.mjs');
const ENTRY = path.join(ROOT, 'packages/simulator/src/cli/run.ts');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the call's `closed` timeline line to the process exit (null: no such line). */
  exitAfterCloseMs: number | null;
}

/** Spawns `vr3-sim …args` (its entry; `launcher`: through the `npx vr3-sim` launcher) and waits for its exit. */
function cli(args: string[], options: { launcher?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const argv = options.launcher ? [BIN, ...args] : [...entryArgs(ENTRY), ...args];
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let closedAt: number | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (closedAt === null && /ms {2}closed code=/.test(stdout)) closedAt = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr, exitAfterCloseMs: closedAt === null ? null : performance.now() - closedAt }));
  });
}

let product: ProductProcess;
let api: ProviderApi;

const setupArgs = (provider: string): string[] => ['setup', '--product', product.baseUrl, '--api-key', product.apiKey, '--provider-api', api.url, '--provider', provider];
const streamUrlOf = (out: string): string => {
  const url = /^ {2}(ws:\/\/\S+)$/m.exec(out)?.[1];
  if (!url) throw new Error(`no stream URL in:\n${out}`);
  return url;
};
const agentOf = (url: string): string => new URL(url).pathname.split('/').pop()!;

beforeAll(async () => {
  api = await startProviderApi();
  product = await ProductProcess.start();
});
afterAll(async () => {
  await product?.stop();
  await api?.close();
});

// One provider per case, each with its own configuration and agent: the cases run at the same time.
describe.concurrent('vr3-sim setup + call, the defaults table', () => {
  for (const provider of SIM_PROVIDERS) {
    it(`${provider}: setup prints the default account, and call with no --account reaches running and exits 0 at once`, async ({ expect }) => {
      const setup = await cli(setupArgs(provider));
      expect(setup.code, setup.stderr).toBe(0);
      expect(setup.stdout).toContain(PROVIDER_DEFAULTS[provider].account);
      const url = streamUrlOf(setup.stdout);
      const call = await cli(['call', '--url', url, '--provider', provider, '--duration', '400', '--tail', '200', '--json']);
      expect(call.code, call.stdout + call.stderr).toBe(0);
      const report = JSON.parse(call.stdout) as { close: { code: number }; firstAudioMs: number | null };
      expect(report.close.code).toBe(1000);
      expect(report.firstAudioMs).not.toBeNull();
      const runs = (await product.api('GET', `/runs?agent_uuid=${agentOf(url)}&limit=1`)).body.data as Array<{ id: string }>;
      expect(runs).toHaveLength(1);
      expect(await finalRun(product, runs[0]!.id)).toMatchObject({ state: 'completed' });
    });
  }
});

describe('vr3-sim setup is idempotent', () => {
  it('a second setup reuses the configuration and the agent, prints the same URL and leaves no orphan agent', async () => {
    // Through the launcher `npx vr3-sim` runs: the same command line behind it.
    const first = await cli(setupArgs('cloudonix'), { launcher: true });
    expect(first.code, first.stderr).toBe(0);
    const agents = ((await product.api('GET', '/agents')).body.data as unknown[]).length;
    const configs = ((await product.api('GET', '/telephony-configurations')).body.data as unknown[]).length;
    const second = await cli(setupArgs('cloudonix'));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/configuration \S+ \(existing, reused\)/);
    expect(streamUrlOf(second.stdout)).toBe(streamUrlOf(first.stdout));
    expect(((await product.api('GET', '/agents')).body.data as unknown[]).length).toBe(agents);
    expect(((await product.api('GET', '/telephony-configurations')).body.data as unknown[]).length).toBe(configs);
  });

  it('a configuration step that fails creates no agent', async () => {
    const agents = ((await product.api('GET', '/agents')).body.data as unknown[]).length;
    // The account exists with another api_base_url: setup refuses before any agent is made.
    const other = await cli(['setup', '--product', product.baseUrl, '--api-key', product.apiKey, '--provider-api', 'http://127.0.0.1:1/', '--provider', 'cloudonix']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('already exists');
    expect(((await product.api('GET', '/agents')).body.data as unknown[]).length).toBe(agents);
  });
});

describe('vr3-sim call exit codes', () => {
  it('a refused call (unknown account) exits 1, within 1 s of the close', async () => {
    const url = streamUrlOf((await cli(setupArgs('twilio'))).stdout);
    const call = await cli(['call', '--url', url, '--provider', 'twilio', '--account', 'AC00000000000000000000000000000000', '--duration', '400']);
    expect(call.code, call.stdout).toBe(1);
    expect(call.stdout).toMatch(/closed code=4\d\d\d/);
    expect(call.exitAfterCloseMs).not.toBeNull();
    expect(call.exitAfterCloseMs!).toBeLessThan(1000);
  });

  it('a good call exits 0 within 1 s of the close', async () => {
    const url = streamUrlOf((await cli(setupArgs('cloudonix'))).stdout);
    const call = await cli(['call', '--url', url, '--duration', '400', '--tail', '200']);
    expect(call.code, call.stdout + call.stderr).toBe(0);
    expect(call.exitAfterCloseMs).not.toBeNull();
    expect(call.exitAfterCloseMs!).toBeLessThan(1000);
  });
});

// One provider at a time: a strict case asserts no frame lost, which a neighbour's load must not decide.
describe('vr3-sim load speaks the providers it lists', () => {
  // Exotel's agent side answers in chunks of 100 ms (16 kHz) or more, and some of the last frames of
  // the window come back late or not at all (open: see the simulator README), so for Exotel this
  // proves the framing (every call established, echoes matched, nothing invalid), not a loss-free run.
  const cases: Array<{ provider: string; args: string[]; strict: boolean }> = [
    { provider: 'cloudonix', args: [], strict: true },
    { provider: 'twilio', args: [], strict: true },
    { provider: 'exotel', args: ['--format', 'L16/16000'], strict: false },
    { provider: 'vobiz', args: [], strict: true },
    { provider: 'plivo', args: [], strict: true },
  ];
  for (const { provider, args, strict } of cases) {
    it(`${provider}: load with no --account plays the provider against the echo agent${strict ? ' and passes' : ''}`, async ({ expect }) => {
      const url = streamUrlOf((await cli(setupArgs(provider))).stdout);
      const run = await cli(['load', '--url', url, '--provider', provider, ...args, '--calls', '2', '--window', '1000', '--max-p99', '2000', '--json']);
      const result = JSON.parse(run.stdout) as { calls: { established: number; failed: number }; window: { sent: number; lost: number; echoed: number; invalid: number } };
      expect(result.calls).toMatchObject({ established: 2, failed: 0 });
      expect(result.window.invalid).toBe(0);
      expect(result.window.echoed).toBeGreaterThan(result.window.sent / 2);
      if (strict) {
        expect(run.code, run.stdout + run.stderr).toBe(0);
        expect(result.window.lost).toBe(0);
      }
    });
  }
});

describe('vr3-sim setup for scripts and distributed mode', () => {
  it('--url-only prints the stream URL alone, and --edge builds it on the media-edge base URL', async () => {
    const plain = await cli(setupArgs('cloudonix'));
    expect(plain.code, plain.stderr).toBe(0);
    const url = streamUrlOf(plain.stdout);
    const only = await cli([...setupArgs('cloudonix'), '--url-only']);
    expect(only.code, only.stderr).toBe(0);
    expect(only.stdout).toBe(`${url}\n`);
    const edge = await cli([...setupArgs('cloudonix'), '--url-only', '--edge', 'wss://edge.example.com:8443']);
    expect(edge.code, edge.stderr).toBe(0);
    expect(edge.stdout).toBe(`${url.replace(/^ws:\/\/127\.0\.0\.1:\d+/, 'wss://edge.example.com:8443')}\n`);
  });

  it('exits 1, naming it, when the provider API stand-in does not answer', async () => {
    const run = await cli(['setup', '--product', product.baseUrl, '--api-key', product.apiKey, '--provider-api', 'http://127.0.0.1:1', '--account', 'unanswered', '--wait-ms', '300']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the provider API at http://127.0.0.1:1 does not answer');
    expect(run.stdout).toBe('');
  });
});
