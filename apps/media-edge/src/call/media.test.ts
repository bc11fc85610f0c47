import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { mulawDecode, mulawEncode } from '@vr3/codec';
import { dominantFrequency, rms, sine } from '@vr3/codec/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';
import { pcmBytes, ProbeEngine } from '../test-support/probe-engine.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Frame = { event: string; streamSid?: string; media?: { payload: string }; mark?: { name: string } };
const frames = (client: { received: object[] }) => client.received as Frame[];
const mediaFrames = (client: { received: object[] }) => frames(client).filter((f) => f.event === 'media');

describe('echo engine round trip', () => {
  it('μ-law → PCM16 → 16 kHz → echo → 8 kHz → μ-law: same tone, same length, paced, with the streamSid', async () => {
    const hn = await harness();
    const client = await hn.startCall();
    const tone = sine(440, 8000, 1000);
    const mulaw = mulawEncode(tone);
    for (let off = 0; off < mulaw.length; off += 160) {
      client.sendMedia(mulaw.subarray(off, off + 160));
      await sleep(20);
    }
    await waitUntil(() => client.receivedMedia().length >= mulaw.length - 160, 3000);
    await sleep(100);
    const received = client.receivedMedia();
    expect(Math.abs(received.length - mulaw.length)).toBeLessThanOrEqual(160);
    for (const f of mediaFrames(client)) {
      expect(f.streamSid).toBe(client.streamSid);
      expect(Buffer.from(f.media!.payload, 'base64')).toHaveLength(160);
    }
    const echoed = mulawDecode(received);
    const steady = echoed.subarray(800, echoed.length - 800);
    expect(Math.abs(dominantFrequency(steady, 8000) - 440)).toBeLessThan(10);
    expect(Math.abs(20 * Math.log10(rms(steady) / rms(tone)))).toBeLessThan(1);
  });
});

describe('outbound pacing', () => {
  it('a burst of N frames is sent one per 20 ms, a few frames ahead', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    const arrivals: number[] = [];
    const t0 = performance.now();
    const poll = setInterval(() => {
      while (arrivals.length < mediaFrames(client).length) arrivals.push(performance.now() - t0);
    }, 1);
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000))); // 1 s = 50 frames
    await waitUntil(() => mediaFrames(client).length === 50, 3000);
    clearInterval(poll);
    while (arrivals.length < 50) arrivals.push(performance.now() - t0);
    // Three frames go at once (the lead), then one per 20 ms: the last at ≈ 47 × 20 ms.
    expect(arrivals[2]!).toBeLessThan(40);
    expect(arrivals[49]!).toBeGreaterThan(47 * 20 - 40);
    expect(arrivals[49]!).toBeLessThan(47 * 20 + 120);
  });
});

describe('marks, clear and DTMF', () => {
  it('a mark follows the audio queued before it, and its echo reaches the engine', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000 * 0.2 + 40))); // 10 frames + a partial one
    probe.last.io.mark('m1');
    probe.last.io.sendAudio(pcmBytes(new Int16Array(160)));
    await client.waitFor((f) => (f as Frame).event === 'mark');
    const events = frames(client).map((f) => f.event);
    expect(events.indexOf('mark')).toBe(11); // 10 frames + the padded partial frame, then the mark
    expect(frames(client)[11]).toEqual({ event: 'mark', streamSid: client.streamSid, mark: { name: 'm1' } });
    await waitUntil(() => probe.last.played.includes('m1'));
  });

  it('clear drops queued audio, sends clear, and reports unsent marks as played', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall({ autoEchoMarks: false });
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000))); // 50 frames
    probe.last.io.mark('after-prompt');
    await sleep(100);
    probe.last.io.clear();
    await client.waitFor((f) => (f as Frame).event === 'clear');
    const sentBeforeClear = mediaFrames(client).length;
    expect(sentBeforeClear).toBeLessThan(15);
    await sleep(150);
    expect(mediaFrames(client)).toHaveLength(sentBeforeClear);
    expect(frames(client).some((f) => f.event === 'mark')).toBe(false);
    expect(probe.last.played).toEqual(['after-prompt']);
    // Playback resumes after a clear.
    probe.last.io.sendAudio(pcmBytes(new Int16Array(320)));
    await waitUntil(() => mediaFrames(client).length === sentBeforeClear + 2);
  });

  it('DTMF reaches the engine', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    client.sendDtmf('5');
    client.sendDtmf('#');
    await waitUntil(() => probe.last.dtmf.length === 2);
    expect(probe.last.dtmf).toEqual(['5', '#']);
  });
});

describe('bounded outbound queue', () => {
  it('drops the oldest frames beyond maxOutboundBufferMs and counts them', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe], config: { maxOutboundBufferMs: 200, outboundLeadFrames: 1 } });
    const client = await hn.startCall();
    // 50 frames whose first sample numbers the frame, so we can tell which ones survived.
    const pcm = new Int16Array(8000);
    for (let i = 0; i < 50; i++) pcm[i * 160] = (i + 1) * 100;
    probe.last.io.sendAudio(pcmBytes(pcm));
    await sleep(400);
    client.sendStop();
    await waitUntil(() => h!.cp.finalizes.length === 1);
    const fin = h!.cp.finalizes[0]!;
    expect(fin.stats!.frames_out + fin.stats!.frames_dropped).toBe(50);
    expect(fin.stats!.frames_out).toBe(11); // the first went out at once, then the queue held 10
    expect(fin.stats!.frames_dropped).toBe(39);
    const metric = await hn.metrics.getSingleMetric('vr3_media_edge_frames_dropped_total')!.get();
    expect(metric.values.find((v) => v.labels.reason === 'queue_full')?.value).toBe(39);
    // The last frame received is the last frame produced: the oldest were dropped.
    const last = mediaFrames(client).at(-1)!;
    const first = mulawDecode(Buffer.from(last.media!.payload, 'base64'))[0]!;
    expect(Math.abs(first - 5000)).toBeLessThan(300);
  });
});

describe('after a call', () => {
  it('leaves no timers, sockets or sessions behind', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const probe = new ProbeEngine({ echo: true });
    const hn = await harness({ engines: [probe], config: { heartbeatIntervalMs: 60_000 } });
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const client = await hn.startCall();
    for (let i = 0; i < 10; i++) client.sendMedia(new Uint8Array(160).fill(0x7f));
    await sleep(100);
    client.sendStop();
    await client.waitForClose();
    await waitUntil(() => hn.edge.activeCalls === 0);
    await sleep(20);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
    const session = new WeakRef(probe.sessions.pop()!);
    for (let i = 0; i < 5 && session.deref(); i++) {
      await sleep(10);
      gc();
    }
    expect(session.deref()).toBeUndefined();
  });
});
