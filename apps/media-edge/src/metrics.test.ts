import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CallStats } from './media/stats.ts';
import { createEdgeMetrics } from './metrics.ts';

const value = async (registry: Registry, name: string): Promise<number | undefined> => (await registry.getSingleMetric(name)?.get())?.values[0]?.value;

describe('frame counters', () => {
  it('count every frame, added to the registry when it is read', async () => {
    const registry = new Registry();
    const stats = new CallStats(createEdgeMetrics(registry));
    for (let i = 0; i < 5; i++) stats.frameIn(20);
    for (let i = 0; i < 3; i++) stats.frameOut();
    expect(await value(registry, 'vr3_media_edge_frames_in_total')).toBe(5);
    expect(await value(registry, 'vr3_media_edge_frames_out_total')).toBe(3);
    stats.frameIn(20);
    const text = await registry.metrics();
    expect(text).toMatch(/^vr3_media_edge_frames_in_total 6$/m);
    expect(text).toMatch(/^vr3_media_edge_frames_out_total 3$/m);
  });

  it('are shared by two edges in one registry', async () => {
    const registry = new Registry();
    const a = new CallStats(createEdgeMetrics(registry));
    const b = new CallStats(createEdgeMetrics(registry));
    a.frameOut();
    b.frameOut();
    b.frameOut();
    expect(await value(registry, 'vr3_media_edge_frames_out_total')).toBe(3);
    expect(await registry.metrics()).toMatch(/^vr3_media_edge_frames_out_total 3$/m);
  });
});
