import fs from 'node:fs';
import path from 'node:path';
import type { MediaFormat, RunRecordingRequest, RunRecordingResponse } from '@vr3/protocol';
import { recordingKeyOf, type RecordingStore } from '@vr3/recordings';
import type { Logger } from 'pino';
import { CallRecording, RECORDING_CHANNELS, type FinishedRecording } from './call-recording.ts';
import { repairWavSizes, WAV_HEADER_BYTES } from './wav-spool.ts';

/** Timings and bounds of {@link EdgeRecordings}. */
export const EDGE_RECORDINGS_DEFAULTS = {
  /** First retry of a recording that could not be stored or recorded on its run; doubled each time. */
  retryBackoffMs: 1_000,
  /** Longest pause between retries. */
  maxRetryBackoffMs: 300_000,
  /** Bytes of one call's recording waiting for the disk at most. */
  maxBufferedBytes: 1_048_576,
} as const;

/** A finished recording waiting to be stored and recorded on its run (the spool dir's `{run_id}.json`). */
interface PendingRecording {
  run_id: string;
  key: string;
  bytes: number;
  duration_ms: number;
  channels: number;
  sample_rate: number;
}

/** Options of {@link EdgeRecordings}. */
export interface EdgeRecordingsOptions {
  store: RecordingStore;
  /** Where recordings are written while calls run and kept until stored (created 0700). */
  spoolDir: string;
  /** Records a stored recording on its run (`RunRecording` on the bus). Rejects on a bus failure. */
  notify(req: Omit<RunRecordingRequest, 'edge_id'>): Promise<RunRecordingResponse>;
  logger: Logger;
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  maxBufferedBytes?: number;
}

/**
 * The media-edge's recordings: opens a {@link CallRecording} per recorded call in the spool dir,
 * and when the call ends finishes the file, stores it ({@link RecordingStore}) and records it on the
 * run. A recording is a `{run_id}.json` next to its `{run_id}.wav` from the moment the call ended
 * until both steps succeeded: a failure is retried with backoff for as long as the edge runs, and
 * what is still there at the next start ({@link resume}) — recordings a stop or a crash left,
 * unfinished files of calls a crash cut off included — is taken up again. Nothing is lost.
 */
export class EdgeRecordings {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly active = new Set<string>();
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly o: EdgeRecordingsOptions) {
    this.log = o.logger.child({ component: 'recordings' });
    fs.mkdirSync(o.spoolDir, { recursive: true, mode: 0o700 });
  }

  /** Recordings finished but not yet stored and recorded on their run. */
  get pending(): number {
    return this.inFlight.size + this.retries.size;
  }

  /** Starts recording run `runId`'s call; `null` (logged) when its spool file cannot be created. */
  open(runId: string, inbound: MediaFormat, outbound: MediaFormat, now: () => number): CallRecording | null {
    try {
      recordingKeyOf(runId);
      this.active.add(runId);
      return new CallRecording({ file: this.wavOf(runId), inbound, outbound, now, maxBufferedBytes: this.o.maxBufferedBytes ?? EDGE_RECORDINGS_DEFAULTS.maxBufferedBytes });
    } catch (err) {
      this.active.delete(runId);
      this.log.error({ err, run_id: runId }, 'cannot start call recording');
      return null;
    }
  }

  /** Run `runId`'s call ended: its recording is finished, stored and recorded on the run (in the background). */
  complete(runId: string, recording: CallRecording): void {
    this.track(
      (async () => {
        let finished: FinishedRecording;
        try {
          finished = await recording.finish();
        } catch (err) {
          this.log.error({ err, run_id: runId }, 'call recording could not be written');
          return;
        } finally {
          this.active.delete(runId);
        }
        if (finished.frames === 0) {
          // The call ended before any audio crossed it: there is nothing to keep.
          await fs.promises.rm(finished.file, { force: true });
          return;
        }
        if (recording.droppedBytes > 0) this.log.warn({ run_id: runId, dropped_bytes: recording.droppedBytes }, 'call recording lost audio: the disk was behind');
        const pending: PendingRecording = {
          run_id: runId,
          key: recordingKeyOf(runId),
          bytes: finished.bytes,
          duration_ms: finished.durationMs,
          channels: finished.channels,
          sample_rate: finished.sampleRate,
        };
        await fs.promises.writeFile(this.jsonOf(runId), JSON.stringify(pending), { mode: 0o600 });
        await this.deliver(pending, 0);
      })().catch((err: unknown) => this.log.error({ err, run_id: runId }, 'call recording could not be kept')),
    );
  }

  /**
   * Takes up what a previous process left in the spool dir: finished recordings not yet stored, and
   * files of calls it was recording when it stopped (their sizes repaired). Resolves once each was
   * tried once (failures go on being retried).
   */
  async resume(): Promise<void> {
    const names = await fs.promises.readdir(this.o.spoolDir);
    const runs = new Set<string>();
    for (const name of names) {
      const m = /^(.+)\.(json|wav)$/.exec(name);
      if (m && !this.active.has(m[1]!)) runs.add(m[1]!);
    }
    const attempts: Promise<void>[] = [];
    for (const runId of runs) {
      const attempt = this.recover(runId, names.includes(`${runId}.json`)).catch((err: unknown) => this.log.error({ err, run_id: runId }, 'left recording could not be recovered'));
      this.track(attempt);
      attempts.push(attempt);
    }
    await Promise.all(attempts);
    if (runs.size > 0) this.log.info({ recordings: runs.size }, 'recordings left by a previous run taken up');
  }

  /**
   * Edge shutdown: waits (up to `timeoutMs`) for the recordings of ended calls to be stored, then
   * stops retrying; what is left stays in the spool dir for the next start. Idempotent.
   */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.settled(), deadline]);
    clearTimeout(timer);
    this.closed = true;
    for (const t of this.retries.values()) clearTimeout(t);
    if (this.retries.size + this.inFlight.size > 0) this.log.warn({ recordings: this.retries.size + this.inFlight.size }, 'recordings not stored yet: kept for the next start');
    this.retries.clear();
  }

  /** Runs every waiting retry once now, then resolves once no delivery is running. */
  private async settled(): Promise<void> {
    for (const [runId, t] of this.retries) {
      clearTimeout(t);
      this.retries.delete(runId);
      const pending = this.readPending(runId);
      if (pending) this.track(this.deliver(pending, 0));
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async recover(runId: string, finished: boolean): Promise<void> {
    if (finished) {
      const pending = this.readPending(runId);
      if (pending) return this.deliver(pending, 0);
      return;
    }
    const wav = this.wavOf(runId);
    const repaired = await repairWavSizes(wav, RECORDING_CHANNELS);
    if (!repaired || repaired.frames === 0) {
      await fs.promises.rm(wav, { force: true });
      return;
    }
    const header = Buffer.alloc(WAV_HEADER_BYTES);
    const handle = await fs.promises.open(wav, 'r');
    try {
      await handle.read(header, 0, WAV_HEADER_BYTES, 0);
    } finally {
      await handle.close();
    }
    const sampleRate = header.readUInt32LE(24);
    const pending: PendingRecording = {
      run_id: runId,
      key: recordingKeyOf(runId),
      bytes: repaired.bytes,
      duration_ms: Math.round((repaired.frames * 1000) / sampleRate),
      channels: RECORDING_CHANNELS,
      sample_rate: sampleRate,
    };
    await fs.promises.writeFile(this.jsonOf(runId), JSON.stringify(pending), { mode: 0o600 });
    return this.deliver(pending, 0);
  }

  /** Stores the file (unless it is stored already), records it on the run, forgets it; retries on failure. */
  private async deliver(p: PendingRecording, attempt: number): Promise<void> {
    const log = this.log.child({ run_id: p.run_id });
    try {
      const wav = this.wavOf(p.run_id);
      if (fs.existsSync(wav)) {
        await this.o.store.put(p.key, wav, p.bytes);
        await fs.promises.rm(wav, { force: true });
      } else if ((await this.o.store.size(p.key)) === null) {
        log.error('recording file missing from the spool dir and the store: given up');
        await fs.promises.rm(this.jsonOf(p.run_id), { force: true });
        return;
      }
      const res = await this.o.notify(p);
      if (!res.ok) {
        log.warn({ code: res.error.code }, 'recording of an unknown run deleted');
        await this.o.store.delete(p.key);
      } else {
        log.info({ storage: this.o.store.kind, bytes: p.bytes, duration_ms: p.duration_ms }, 'call recording stored');
      }
      await fs.promises.rm(this.jsonOf(p.run_id), { force: true });
    } catch (err) {
      if (this.closed) return;
      const base = this.o.retryBackoffMs ?? EDGE_RECORDINGS_DEFAULTS.retryBackoffMs;
      const next = Math.max(0, attempt) + 1;
      const delay = Math.min(this.o.maxRetryBackoffMs ?? EDGE_RECORDINGS_DEFAULTS.maxRetryBackoffMs, base * 2 ** Math.min(next - 1, 20));
      log.warn({ code: (err as { code?: unknown }).code, attempt: next, retry_in_ms: delay }, 'call recording not stored yet: will retry');
      const timer = setTimeout(() => {
        this.retries.delete(p.run_id);
        this.track(this.deliver(p, next));
      }, delay);
      timer.unref();
      this.retries.set(p.run_id, timer);
    }
  }

  private readPending(runId: string): PendingRecording | null {
    try {
      return JSON.parse(fs.readFileSync(this.jsonOf(runId), 'utf8')) as PendingRecording;
    } catch (err) {
      this.log.error({ err, run_id: runId }, 'unreadable pending recording');
      return null;
    }
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private wavOf(runId: string): string {
    return path.join(this.o.spoolDir, `${runId}.wav`);
  }

  private jsonOf(runId: string): string {
    return path.join(this.o.spoolDir, `${runId}.json`);
  }
}
