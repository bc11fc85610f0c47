// Many short calls in sequence leave the product's memory and handles where they were: the smaller
// version of `npm run leak-check`, measured inside the product process through its /metrics (after
// a forced full GC through the V8 inspector).
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLeakResult, runLeakCheck } from '../../bench/lib/leak.ts';

describe('leak check', () => {
  it('300 short calls leave RSS, heap, handles and resources back at baseline, every run finalized', async () => {
    const r = await runLeakCheck({
      calls: 300,
      concurrency: 8,
      callMs: 200,
      warmup: 50,
      logFile: path.join(os.tmpdir(), `vr3-leak-test-${process.pid}.log`),
    });
    process.stdout.write(`${formatLeakResult(r)}\n`);
    expect(r.failedCalls).toBe(0);
    expect(r.closeCodes).toEqual({ '1000': 300 });
    expect(r.unfinishedRuns).toBe(0);
    expect(r.after.activeCalls).toBe(0);
    expect(r.after.handles).toBeLessThanOrEqual(r.baseline.handles + 2);
    expect(r.after.resources).toBeLessThanOrEqual(r.baseline.resources + 2);
    // Live heap after a full GC: a leak of even 20 KB per call would show as 6 MiB here.
    expect(r.after.heapUsedBytes - r.baseline.heapUsedBytes).toBeLessThan(4 * 2 ** 20);
    expect(r.after.rssBytes - r.baseline.rssBytes).toBeLessThan(32 * 2 ** 20);
  }, 180_000);
});
