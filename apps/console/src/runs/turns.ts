/**
 * What a run's events tell of the conversation: the transcript lines (interruptions marked) and the
 * latency of each turn (the `metric` events in ms an engine emits after the caller's turn ends:
 * `stt_latency_ms`, `llm_first_token_ms`, `tts_first_audio_ms`, `first_audio_sent_ms`).
 */
import type { RunEvent } from '../types.ts';

/** One transcript line. */
export interface TranscriptLine {
  seq: number;
  role: string;
  text: string;
  /** The caller cut the agent off: `text` is what was heard, `reply` what the agent was saying. */
  interrupted: boolean;
  reply: string | null;
  startMs: number | null;
}

/** The latency metrics of one turn, by metric name (ms). */
export interface TurnLatency {
  turn: number;
  /** What the caller said to open the turn (null: metrics before any caller line). */
  caller: string | null;
  metrics: Record<string, number>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The transcript lines of `events` (in `seq` order), non-final lines left out. */
export function transcriptOf(events: readonly RunEvent[]): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const e of events) {
    if (e.type !== 'transcript' || e.data['final'] === false) continue;
    lines.push({
      seq: e.seq,
      role: str(e.data['role']) ?? '?',
      text: str(e.data['text']) ?? '',
      interrupted: e.data['interrupted'] === true,
      reply: str(e.data['reply']),
      startMs: num(e.data['start_ms']),
    });
  }
  return lines;
}

/** Each turn's latency metrics: a caller line opens a turn; `ms` metrics after it belong to it. */
export function turnLatencies(events: readonly RunEvent[]): TurnLatency[] {
  const turns: TurnLatency[] = [];
  let current: TurnLatency | null = null;
  for (const e of events) {
    if (e.type === 'transcript' && e.data['role'] === 'caller' && e.data['final'] !== false) {
      current = { turn: turns.length + 1, caller: str(e.data['text']), metrics: {} };
      turns.push(current);
    } else if (e.type === 'metric' && e.data['unit'] === 'ms') {
      const name = str(e.data['name']);
      const value = num(e.data['value']);
      if (name === null || value === null) continue;
      if (current === null || name in current.metrics) {
        current = { turn: turns.length + 1, caller: null, metrics: {} };
        turns.push(current);
      }
      current.metrics[name] = value;
    }
  }
  return turns.filter((t) => Object.keys(t.metrics).length > 0);
}

/** The metric names of `turns`, the usual pipeline order first. */
export function metricNames(turns: readonly TurnLatency[]): string[] {
  const order = ['stt_latency_ms', 'llm_first_token_ms', 'tts_first_audio_ms', 'first_audio_sent_ms'];
  const names = new Set(turns.flatMap((t) => Object.keys(t.metrics)));
  return [...order.filter((n) => names.has(n)), ...[...names].filter((n) => !order.includes(n)).sort()];
}
