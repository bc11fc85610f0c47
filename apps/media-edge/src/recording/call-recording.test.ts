import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulawEncode, readWav } from '@vr3/codec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallRecording } from './call-recording.ts';
import { repairWavSizes, WAV_HEADER_BYTES } from './wav-spool.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-call-rec-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 20 ms of μ-law at 8 kHz holding one linear value. */
const mulawFrame = (value: number) => mulawEncode(new Int16Array(160).fill(value), Buffer.alloc(160));

describe('CallRecording', () => {
  it('writes a two-channel 16-bit WAV at the caller rate: caller left, agent (resampled) right, sizes in the header', async () => {
    let now = 0;
    const file = path.join(dir, 'run.wav');
    const rec = new CallRecording({
      file,
      inbound: { encoding: 'mulaw', sampleRate: 8000 },
      outbound: { encoding: 'pcm16le', sampleRate: 16000 },
      now: () => now,
      maxBufferedBytes: 1 << 20,
    });
    for (let t = 20; t <= 200; t += 20) {
      now = t;
      rec.caller(mulawFrame(1000));
      if (t === 100) rec.agent(Buffer.from(new Int16Array(16 * 60).fill(-3000).buffer)); // 60 ms at 16 kHz
    }
    const done = await rec.finish();
    expect(done).toMatchObject({ sampleRate: 8000, channels: 2, durationMs: 200, frames: 1600, bytes: WAV_HEADER_BYTES + 1600 * 4 });
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(done.bytes);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    const wav = readWav(bytes);
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 2, format: 'pcm16' });
    const s = wav.samples!;
    const left = (i: number) => s[2 * i]!;
    const right = (i: number) => s[2 * i + 1]!;
    // μ-law 1000 decodes to ~1000; the agent's 60 ms play from 100 ms.
    expect(Math.abs(left(50) - 1000)).toBeLessThan(40);
    expect(Math.abs(left(1500) - 1000)).toBeLessThan(40);
    expect(right(700)).toBe(0);
    expect(Math.abs(right(8 * 130) + 3000)).toBeLessThan(60);
    expect(right(8 * 170)).toBe(0);
  });

  it('repairs a spool file a crash left without sizes, cutting a torn frame', async () => {
    const file = path.join(dir, 'torn.wav');
    const rec = new CallRecording({ file, inbound: { encoding: 'pcm16le', sampleRate: 8000 }, outbound: { encoding: 'pcm16le', sampleRate: 8000 }, now: () => 0, maxBufferedBytes: 1 << 20 });
    await rec.finish();
    // A header with zero sizes and 10 whole frames plus 3 torn bytes, as a killed process leaves it.
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file).subarray(0, WAV_HEADER_BYTES), Buffer.alloc(43, 1)]));
    expect(await repairWavSizes(file, 2)).toEqual({ bytes: WAV_HEADER_BYTES + 40, frames: 10 });
    expect(readWav(fs.readFileSync(file)).samples!.length).toBe(20);
  });
});
