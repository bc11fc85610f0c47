import { FRAME_DROP_REASONS, MediaStatsSchema } from '@vr3/protocol';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createEdgeMetrics } from '../metrics.ts';
import { CallStats } from './stats.ts';

describe('CallStats', () => {
  it('splits frames_dropped by reason in the snapshot and in the metric, both directions', async () => {
    const registry = new Registry();
    const stats = new CallStats(createEdgeMetrics(registry));
    expect(stats.snapshot()).toMatchObject({ frames_dropped: 0, frames_dropped_by_reason: {} });
    stats.dropped('in', 'early_audio_overflow', 4);
    stats.dropped('out', 'queue_full');
    stats.dropped('out', 'queue_full');
    stats.dropped('in', 'not_running', 2);
    const snapshot = stats.snapshot();
    expect(snapshot).toMatchObject({ frames_dropped: 8, frames_dropped_by_reason: { early_audio_overflow: 4, queue_full: 2, not_running: 2 } });
    // The snapshot is what the finalize request carries: it passes the protocol's schema.
    expect(MediaStatsSchema.parse(snapshot)).toEqual(snapshot);
    const metric = await registry.getSingleMetric('vr3_media_edge_frames_dropped_total')!.get();
    const byLabel = Object.fromEntries(metric.values.map((v) => [`${v.labels.direction}/${v.labels.reason}`, v.value]));
    expect(byLabel).toEqual({ 'in/early_audio_overflow': 4, 'out/queue_full': 2, 'in/not_running': 2 });
  });

  it('a snapshot is a copy: later drops do not change it', () => {
    const stats = new CallStats(createEdgeMetrics(new Registry()));
    stats.dropped('in', 'agent_backpressure');
    const first = stats.snapshot();
    stats.dropped('in', 'agent_backpressure');
    expect(first.frames_dropped_by_reason).toEqual({ agent_backpressure: 1 });
  });

  it('the protocol refuses reasons it does not name', () => {
    expect(FRAME_DROP_REASONS).toEqual(['queue_full', 'socket_backpressure', 'not_running', 'early_audio_overflow', 'agent_backpressure']);
    const base = { audio_in_ms: 0, audio_out_ms: 0, frames_in: 0, frames_out: 0, frames_dropped: 1 };
    expect(MediaStatsSchema.safeParse({ ...base, frames_dropped_by_reason: { other: 1 } }).success).toBe(false);
    expect(MediaStatsSchema.safeParse(base).success).toBe(true);
  });
});
