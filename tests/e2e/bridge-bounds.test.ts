/**
 * A bot that never reads, through the embedded product: the caller streams far more audio than
 * any buffer on the way could hold, and the product stays healthy, drops the oldest caller audio
 * (counted in the run's `frames_dropped` and the bridge's metric event), and holds no more of it
 * than its documented bound; its resident memory does not follow the audio sent.
 */
import { describe, expect, it } from 'vitest';
import { sine } from '@vr3/codec/testing';
import { BRIDGE_DEFAULTS } from '@vr3/engine-bridge';
import { audioMs, bridgeSuite, finalRun, metricsText, metricValue, runEvents, sleep } from '../harness/bridge.ts';

const suite = bridgeSuite();

const DROPPED_SAMPLE = 'vr3_media_edge_frames_dropped_total{direction="in",reason="agent_backpressure"}';
const RSS_SAMPLE = 'process_resident_memory_bytes';

/** The bridge's bounds toward a slow bot: caller audio queued, and bytes left unsent on the bot socket. */
const { maxQueuedAudioMs: MAX_QUEUED_AUDIO_MS, maxBufferedBytes: MAX_BUFFERED_BYTES } = BRIDGE_DEFAULTS;

describe('a bot that never reads', () => {
  it('exotel caller (24 kHz) → vr3 bot (48 kHz) that stops reading: bounded, oldest audio dropped and counted, product healthy', async () => {
    const rig = suite.rig;
    const { bot, agentUuid } = await suite.botAgent('vr3', 'listen', { sample_rate: 48000 });
    const rssBefore = metricValue(await metricsText(rig.product), RSS_SAMPLE);
    const droppedBefore = metricValue(await metricsText(rig.product), DROPPED_SAMPLE);

    const c = await suite.call('exotel', agentUuid, { call: { format: { encoding: 'pcm16le', sampleRate: 24000 } }, client: { record: false } });
    const conn = await bot.nextConnection();
    await conn.waitForStart();
    conn.pauseReading();

    // 500 ms chunks (a 32 KB frame, within the product's 64 KiB limit), 50× faster than real time,
    // for 3 s (150 s of caller audio, ~14 MB toward the bot at 48 kHz), and on until the first
    // drops show on /metrics (the kernel's socket buffers take a few MB first; at most 10 s).
    const CHUNK_MS = 500;
    const chunk = sine(440, 24000, CHUNK_MS, 8000);
    let sentChunks = 0;
    const startedAt = performance.now();
    let dropping = false;
    while (performance.now() - startedAt < 3000 || (!dropping && performance.now() - startedAt < 10_000)) {
      c.client.sendPcm(chunk);
      sentChunks++;
      if (sentChunks % 25 === 0) {
        expect((await fetch(`${rig.product.baseUrl}/healthz`)).status).toBe(200);
        dropping = metricValue(await metricsText(rig.product), DROPPED_SAMPLE) > droppedBefore;
      }
      await sleep(10);
    }
    const sentMs = sentChunks * CHUNK_MS;
    const droppedNow = metricValue(await metricsText(rig.product), DROPPED_SAMPLE) - droppedBefore;
    expect(droppedNow).toBeGreaterThan(0);
    const rssAfter = metricValue(await metricsText(rig.product), RSS_SAMPLE);

    // The caller hangs up; the bot then reads everything that was on its way.
    expect((await c.client.hangup()).code).toBe(1000);
    conn.resumeReading();
    expect((await conn.waitForClose(5000)).code).toBe(1000);
    const run = await finalRun(rig.product, c.runId, 8000);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    expect(run.media_stats.audio_in_ms).toBeGreaterThanOrEqual(sentMs - CHUNK_MS);
    expect(run.media_stats.frames_dropped).toBeGreaterThan(0);
    // Every one of them for the same reason, named on the run and in the metric's label.
    expect(run.media_stats.frames_dropped_by_reason).toEqual({ agent_backpressure: run.media_stats.frames_dropped });
    const metrics = (await runEvents(rig.product, c.runId)).filter((e) => e.type === 'metric').map((e) => e.data);
    expect(metrics).toContainEqual({ name: 'bridge_caller_frames_dropped', value: run.media_stats.frames_dropped, unit: 'frames' });

    // Every chunk sent either reached the bot, was dropped (counted), or was still queued at the
    // end: the queue, bounded, is all the edge ever held beyond the socket.
    const botMs = audioMs(conn.callerFormat, conn.callerAudio().length);
    const droppedMs = run.media_stats.frames_dropped * CHUNK_MS;
    const heldAtEndMs = sentMs - botMs - droppedMs;
    const bufferedMs = audioMs(conn.callerFormat, MAX_BUFFERED_BYTES);
    expect(heldAtEndMs).toBeGreaterThanOrEqual(-CHUNK_MS);
    expect(heldAtEndMs).toBeLessThanOrEqual(MAX_QUEUED_AUDIO_MS + bufferedMs + CHUNK_MS);

    // Memory, loosely (GC alone moves RSS by ~20 MB here): the exact bound is the accounting above.
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
    const health = await fetch(`${rig.product.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});
