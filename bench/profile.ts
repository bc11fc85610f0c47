/**
 * `npm run bench -- --profile N`: where the media-edge's time goes. Starts the embedded product
 * under `node --cpu-prof` on the server core, holds N echo calls for the window, stops the product
 * (which writes the profile) and prints the functions with the most self time, grouped by file.
 * With `--scenario bridge` the agent bridges each call to the echo bot (`bench/echo-bot.mjs`, on the
 * load core) instead of the echo engine.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { formatLoadResult, runLoad, startProviderApi } from '@vr3/simulator';
import { summarizeProfile } from './lib/profile-summary.ts';
import { canPin, pinSelf, spawnOnCore, stopProcess, waitForLine } from './lib/processes.ts';
import { ROOT, startProduct } from './lib/product.ts';

/** Profiles N calls held for `windowMs`; prints the summary. */
export async function profileProduct(calls: number, windowMs: number, ramp: number, echoRate?: 8000 | 16000, scenario: 'echo' | 'bridge' = 'echo'): Promise<void> {
  const pinned = canPin() && pinSelf(1);
  const bot = scenario === 'bridge' ? spawnOnCore(pinned ? 1 : null, process.execPath, ['bench/echo-bot.mjs'], { ...process.env, PORT: '0' }, ROOT) : null;
  const botUrl = bot ? `ws://127.0.0.1:${(await waitForLine(bot, /^listening (\d+)/, 10_000))[1]}/bot` : '';
  const dir = path.join(ROOT, 'bench/tmp/prof');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const api = await startProviderApi();
  const product = await startProduct({
    core: pinned ? 0 : null,
    providerApiUrl: api.url,
    providerToken: api.token,
    logFile: path.join(ROOT, 'bench/tmp/profile-product.log'),
    ...(echoRate ? { echoRate } : {}),
    ...(bot ? { engine: { type: 'bridge', url: botUrl, protocol: 'twilio' } } : {}),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
  });
  try {
    const r = await runLoad({ url: product.streamUrl, calls, rampPerSecond: ramp, settleMs: 2000, windowMs });
    process.stdout.write(`${formatLoadResult(r)}\n`);
  } finally {
    await product.stop();
    await api.close();
    if (bot) await stopProcess(bot, 5000);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the product wrote no profile');
  const s = summarizeProfile(path.join(dir, file), 40);
  process.stdout.write(`\nprofile ${path.relative(ROOT, path.join(dir, file))}: sampled ${s.sampledMs} ms, busy ${s.busyPercent}% (whole run: start-up, ramp, window, hangup)\n`);
  process.stdout.write(`${'self%'.padStart(6)} ${'total%'.padStart(7)}  function  location\n`);
  for (const row of s.rows) process.stdout.write(`${row.selfPercent.toFixed(1).padStart(6)} ${row.totalPercent.toFixed(1).padStart(7)}  ${row.name}  ${row.where}\n`);
}
