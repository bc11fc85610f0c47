import type { MediaStats } from '@vr3/protocol';
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- HotCounter is named by the {@link} below
import type { DropReason, EdgeMetrics, HotCounter } from '../metrics.ts';
import { FRAME_MS } from './codecs.ts';

/** Per-call media counters, mirrored into the edge's prom-client counters (frame counts lazily, see {@link HotCounter}). */
export class CallStats {
  framesIn = 0;
  framesOut = 0;
  framesDropped = 0;
  /** {@link framesDropped} per reason; created at the first drop (most calls drop nothing). */
  droppedByReason: Partial<Record<DropReason, number>> | null = null;
  audioInMs = 0;
  audioOutMs = 0;

  constructor(private readonly metrics: EdgeMetrics) {}

  frameIn(audioMs: number): void {
    this.framesIn++;
    this.audioInMs += audioMs;
    this.metrics.framesIn.add();
  }

  /** One outbound media message of `audioMs` (20 ms, or a provider's bigger chunk) left for the provider. */
  frameOut(audioMs: number = FRAME_MS): void {
    this.framesOut++;
    this.audioOutMs += audioMs;
    this.metrics.framesOut.add();
  }

  /** Counts `frames` dropped frames (default 1) for `reason`; `frames_dropped` in the run's stats covers both directions, `frames_dropped_by_reason` splits it. */
  dropped(direction: 'in' | 'out', reason: DropReason, frames = 1): void {
    this.framesDropped += frames;
    const byReason = (this.droppedByReason ??= {});
    byReason[reason] = (byReason[reason] ?? 0) + frames;
    this.metrics.framesDropped.inc({ direction, reason }, frames);
  }

  snapshot(): MediaStats {
    return {
      audio_in_ms: Math.round(this.audioInMs),
      audio_out_ms: Math.round(this.audioOutMs),
      frames_in: this.framesIn,
      frames_out: this.framesOut,
      frames_dropped: this.framesDropped,
      frames_dropped_by_reason: { ...this.droppedByReason },
    };
  }
}
