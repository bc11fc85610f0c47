import { afterEach, describe, expect, it } from 'vitest';
import { resolveMediaEdgeConfig } from '../config.ts';
import { startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

async function metric(hn: Harness, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await hn.metrics.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

/** 100 frames a second sustained, bursts of 50: a real-time 20 ms stream (50 a second) is well inside. */
const CAP = { maxInboundFramesPerSecond: 100, inboundFrameBurst: 50, closeTimeoutMs: 300 } as const;
const FRAME = new Uint8Array(160).fill(0xff);

describe('inbound frame-rate cap per call', () => {
  it('a provider flooding frames is cut off: close 1008, a log run event says why, the run fails frame_rate_exceeded', async () => {
    const hn = await harness({ config: CAP });
    const client = await hn.startCall();
    for (let i = 0; i < 600; i++) client.sendMedia(FRAME);
    expect(await client.waitForClose(3_000)).toEqual({ code: 1008, reason: 'frame rate exceeded' });
    await waitUntil(() => hn.cp.finalizes.length === 1 && hn.edge.activeCalls === 0);
    expect(hn.cp.finalizes[0]).toMatchObject({ run_id: 'run-1', state: 'failed', end_reason: 'frame_rate_exceeded', error: 'frame_rate_exceeded' });
    expect(hn.cp.finalizes[0]!.close).toEqual({ code: 1008, reason: 'frame rate exceeded', initiator: 'edge' });
    expect(hn.cp.events).toContainEqual(
      expect.objectContaining({ type: 'log', data: expect.objectContaining({ level: 'error', reason: 'frame_rate_exceeded', limit_per_s: 100, burst: 50 }) }),
    );
    // The run event was stored before the run was finalized.
    expect(hn.cp.answered.indexOf('events')).toBeLessThan(hn.cp.answered.indexOf('finalize'));
    expect(await metric(hn, 'vr3_media_edge_close_codes_total', { code: '1008', initiator: 'edge' })).toBe(1);
    // Cut off within the burst: far fewer frames reached the call than were sent.
    expect(hn.cp.finalizes[0]!.stats!.frames_in).toBeLessThan(100);
  });

  it('a real-time stream (50 frames a second) is not affected', async () => {
    const hn = await harness({ config: CAP });
    const client = await hn.startCall();
    for (let i = 0; i < 75; i++) {
      client.sendMedia(FRAME);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(client.isOpen).toBe(true);
    expect(hn.cp.finalizes).toHaveLength(0);
    client.sendStop();
    await waitUntil(() => hn.cp.finalizes.length === 1);
    expect(hn.cp.finalizes[0]).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(hn.cp.finalizes[0]!.stats!.frames_in).toBe(75);
  });

  it('config: positive integers, defaults 500 a second with a burst of 1000 (10× real time at 20 ms)', () => {
    expect(resolveMediaEdgeConfig()).toMatchObject({ maxInboundFramesPerSecond: 500, inboundFrameBurst: 1_000 });
    expect(() => resolveMediaEdgeConfig({ maxInboundFramesPerSecond: 0 })).toThrow('maxInboundFramesPerSecond');
    expect(() => resolveMediaEdgeConfig({ inboundFrameBurst: -1 })).toThrow('inboundFrameBurst');
  });
});
