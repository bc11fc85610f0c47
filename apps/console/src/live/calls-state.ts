import type { CallEventName, LiveCall, Snapshot, TranscriptLine } from './types.ts';

/** Recently ended calls the page keeps showing, newest first. */
export const RECENTLY_ENDED = 20;
/** Ended call ids remembered, so that a late `call.started` or `call.updated` never revives one. */
const TOMBSTONES = 500;
/** Transcript lines kept per call (the oldest go first). */
export const TRANSCRIPT_LINES = 500;

/** What the page shows, rebuilt from the stream's events. Never mutated: each change returns a new one. */
export interface LiveCallsState {
  /** Live calls by id. */
  calls: Readonly<Record<string, LiveCall>>;
  /** Recently ended calls, newest first. */
  ended: readonly LiveCall[];
  /** Ids of ended calls, oldest first (bounded). */
  tombstones: readonly string[];
  /** Transcript lines by call id, in `seq` order, without repeats. */
  transcripts: Readonly<Record<string, readonly TranscriptLine[]>>;
  /** Whether this principal receives transcript lines; null before the first snapshot. */
  transcriptsAllowed: boolean | null;
  /** The last snapshot listed fewer calls than are live. */
  truncated: boolean;
}

/** Before the first snapshot. */
export const EMPTY_STATE: LiveCallsState = { calls: {}, ended: [], tombstones: [], transcripts: {}, transcriptsAllowed: null, truncated: false };

const RANK: Record<LiveCall['state'], number> = { initialized: 0, running: 1, completed: 2, failed: 2 };

const isEnded = (call: LiveCall): boolean => RANK[call.state] === 2;

function ended(state: LiveCallsState, call: LiveCall): LiveCallsState {
  const calls = { ...state.calls };
  delete calls[call.id];
  return {
    ...state,
    calls,
    ended: [call, ...state.ended.filter((c) => c.id !== call.id)].slice(0, RECENTLY_ENDED),
    tombstones: state.tombstones.includes(call.id) ? state.tombstones : [...state.tombstones, call.id].slice(-TOMBSTONES),
  };
}

/**
 * A (re)connection's snapshot: the live calls are exactly its calls. Ended calls and their
 * transcripts stay; transcripts of calls neither live nor recently ended are dropped.
 */
export function applySnapshot(state: LiveCallsState, snapshot: Snapshot): LiveCallsState {
  const calls: Record<string, LiveCall> = {};
  for (const call of snapshot.calls) calls[call.id] = call;
  const keep = new Set([...Object.keys(calls), ...state.ended.map((c) => c.id)]);
  const transcripts = Object.fromEntries(Object.entries(state.transcripts).filter(([id]) => keep.has(id)));
  return { ...state, calls, transcripts, transcriptsAllowed: snapshot.transcripts, truncated: snapshot.truncated };
}

/**
 * A call change. Events of different servers may arrive out of order, so a call only moves forward:
 * an event with an earlier state than the one shown is ignored, and an ended call never comes back.
 */
export function applyCallEvent(state: LiveCallsState, event: CallEventName, call: LiveCall): LiveCallsState {
  if (event === 'call.ended' || isEnded(call)) return ended(state, call);
  if (state.tombstones.includes(call.id)) return state;
  const shown = state.calls[call.id];
  if (shown && RANK[shown.state] > RANK[call.state]) return state;
  return { ...state, calls: { ...state.calls, [call.id]: call } };
}

/** Transcript lines of one call, from the stream or from `GET /runs/{id}/events`: merged in `seq` order, repeats dropped. */
export function addTranscriptLines(state: LiveCallsState, runId: string, lines: readonly TranscriptLine[]): LiveCallsState {
  if (lines.length === 0) return state;
  const bySeq = new Map<number, TranscriptLine>();
  for (const line of state.transcripts[runId] ?? []) bySeq.set(line.seq, line);
  for (const line of lines) bySeq.set(line.seq, line);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-TRANSCRIPT_LINES);
  return { ...state, transcripts: { ...state.transcripts, [runId]: merged } };
}

/** The live calls, oldest first (the longest-running on top). */
export function liveCalls(state: LiveCallsState): LiveCall[] {
  return Object.values(state.calls).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}
