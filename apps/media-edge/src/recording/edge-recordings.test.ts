import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BusError, BusErrorCode, type RunRecordingRequest, type RunRecordingResponse } from '@vr3/protocol';
import { LocalRecordingStore } from '@vr3/recordings';
import { readWav } from '@vr3/codec';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgeRecordings } from './edge-recordings.ts';

const PCM8K = { encoding: 'pcm16le', sampleRate: 8000 } as const;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-edge-rec-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A notify that fails with a bus timeout `failures` times, then records what it was told. */
function notifier(failures: number) {
  const told: Array<Omit<RunRecordingRequest, 'edge_id'>> = [];
  let left = failures;
  const notify = (req: Omit<RunRecordingRequest, 'edge_id'>): Promise<RunRecordingResponse> => {
    if (left-- > 0) return Promise.reject(new BusError(BusErrorCode.Timeout, 'no answer'));
    told.push(req);
    return Promise.resolve({ ok: true });
  };
  return { told, notify };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('EdgeRecordings', () => {
  it('stores a finished recording and records it on the run, retrying a failed notify', async () => {
    const store = new LocalRecordingStore(path.join(dir, 'store'));
    const spoolDir = path.join(dir, 'spool');
    const { told, notify } = notifier(2);
    const recordings = new EdgeRecordings({ store, spoolDir, notify, logger: pino({ level: 'silent' }), retryBackoffMs: 10 });
    let now = 0;
    const rec = recordings.open('run-1', PCM8K, PCM8K, () => now)!;
    now = 100;
    rec.caller(Buffer.alloc(1600, 1));
    recordings.complete('run-1', rec);
    await until(() => told.length === 1);
    expect(told[0]).toEqual({ run_id: 'run-1', key: 'run-1.wav', bytes: 44 + 800 * 4, duration_ms: 100, channels: 2, sample_rate: 8000 });
    expect(await store.size('run-1.wav')).toBe(44 + 800 * 4);
    await until(() => fs.readdirSync(spoolDir).length === 0);
    await recordings.drain(1_000);
  });

  it('keeps what could not be stored at drain and stores it on the next start; a crash-cut file is repaired', async () => {
    const store = new LocalRecordingStore(path.join(dir, 'store'));
    const spoolDir = path.join(dir, 'spool');
    const down = notifier(Number.POSITIVE_INFINITY);
    const first = new EdgeRecordings({ store, spoolDir, notify: down.notify, logger: pino({ level: 'silent' }), retryBackoffMs: 60_000 });
    const rec = first.open('run-2', PCM8K, PCM8K, () => 0)!;
    rec.caller(Buffer.alloc(320, 2));
    first.complete('run-2', rec);
    await first.drain(500);
    expect(fs.readdirSync(spoolDir).sort()).toEqual(['run-2.json']); // stored, not yet recorded on the run
    // A call a crash cut off: a header without sizes and its audio.
    const cut = first.open('run-3', PCM8K, PCM8K, () => 0)!;
    await cut.finish();
    const header = fs.readFileSync(path.join(spoolDir, 'run-3.wav'));
    fs.writeFileSync(path.join(spoolDir, 'run-3.wav'), Buffer.concat([header.subarray(0, 40), Buffer.alloc(4), Buffer.alloc(8000 * 4, 3)]));

    const up = notifier(0);
    const second = new EdgeRecordings({ store, spoolDir, notify: up.notify, logger: pino({ level: 'silent' }) });
    await second.resume();
    await until(() => up.told.length === 2);
    expect(up.told.map((r) => [r.run_id, r.duration_ms]).sort()).toEqual([
      ['run-2', 20],
      ['run-3', 1000],
    ]);
    const repaired = readWav(fs.readFileSync(path.join(dir, 'store', 'run-3.wav')));
    expect(repaired.samples!.length).toBe(8000 * 2);
    await until(() => fs.readdirSync(spoolDir).length === 0);
    await second.drain(1_000);
  });
});
