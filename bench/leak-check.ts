/**
 * `npm run leak-check`: thousands of short calls in sequence against the embedded product; prints
 * the product's RSS, heap, active handles and resources before, half-way and after. Exits 1 when
 * handles or resources did not come back to the baseline (± 2), a call failed, a run was left
 * unfinished, or RSS grew by more than --max-rss-growth-mib (default 64).
 *
 * Options: --calls N (2000) · --concurrency N (8) · --call-ms MS (200) · --warmup N (100)
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatLeakResult, runLeakCheck } from './lib/leak.ts';
import { ROOT } from './lib/product.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    'call-ms': { type: 'string', default: '200' },
    warmup: { type: 'string', default: '100' },
    'max-rss-growth-mib': { type: 'string', default: '64' },
  },
});
mkdirSync(path.join(ROOT, 'bench/tmp'), { recursive: true });
const r = await runLeakCheck({
  calls: Number(values.calls),
  concurrency: Number(values.concurrency),
  callMs: Number(values['call-ms']),
  warmup: Number(values.warmup),
  logFile: path.join(ROOT, 'bench/tmp/leak-product.log'),
  onProgress: (line) => process.stdout.write(`[leak] ${line}\n`),
});
process.stdout.write(`${formatLeakResult(r)}\n`);
const problems: string[] = [];
if (r.failedCalls > 0) problems.push(`${r.failedCalls} calls failed`);
if (r.unfinishedRuns > 0) problems.push(`${r.unfinishedRuns} runs unfinished`);
if (r.after.activeCalls !== 0) problems.push(`${r.after.activeCalls} calls still active`);
if (r.after.handles > r.baseline.handles + 2) problems.push(`handles ${r.baseline.handles} → ${r.after.handles}`);
if (r.after.resources > r.baseline.resources + 2) problems.push(`resources ${r.baseline.resources} → ${r.after.resources}`);
if (r.after.rssBytes - r.baseline.rssBytes > Number(values['max-rss-growth-mib']) * 2 ** 20) problems.push('RSS grew beyond the bound');
process.stdout.write(problems.length === 0 ? 'leak check: OK\n' : `leak check: FAILED (${problems.join('; ')})\n`);
process.exitCode = problems.length === 0 ? 0 : 1;
