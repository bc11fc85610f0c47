import { useCallback, useEffect, useReducer, useState } from 'preact/hooks';
import { EMPTY_STATE, addTranscriptLines, applyCallEvent, applySnapshot, type LiveCallsState } from './calls-state.ts';
import type { CallEventName, LiveCall, Snapshot, TranscriptLine } from './types.ts';

/** The live-calls event stream, same origin: the session cookie authenticates it. */
export const LIVE_CALLS_EVENTS_URL = '/api/v1/live-calls/events';
/** After the server refused the stream (not a dropped connection, which the browser retries itself), try again this much later. */
export const REOPEN_AFTER_MS = 5000;

/**
 * `connecting` (first connection), `live` (snapshot received, events flowing), `reconnecting` (the
 * browser is retrying a dropped stream), `signed-out` (the session ended: no more retries).
 */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

type Action =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'call'; event: CallEventName; call: LiveCall }
  | { type: 'transcript'; runId: string; lines: TranscriptLine[] };

function reduce(state: LiveCallsState, action: Action): LiveCallsState {
  switch (action.type) {
    case 'snapshot':
      return applySnapshot(state, action.snapshot);
    case 'call':
      return applyCallEvent(state, action.event, action.call);
    case 'transcript':
      return addTranscriptLines(state, action.runId, action.lines);
  }
}

const CALL_EVENTS: readonly CallEventName[] = ['call.started', 'call.updated', 'call.ended'];

/** What {@link useLiveCalls} gives the page. */
export interface LiveCalls {
  state: LiveCallsState;
  status: StreamStatus;
  /** Server clock minus browser clock, in milliseconds (from the last snapshot). */
  clockOffsetMs: number;
  /** Adds transcript lines read elsewhere (the call's stored events). */
  addTranscript(runId: string, lines: TranscriptLine[]): void;
}

/**
 * Follows the live-calls stream with an `EventSource`: every change is pushed by the server, nothing
 * is polled. A dropped connection is retried by the browser (the server sends a fresh snapshot);
 * when the server refuses the stream, `stillSignedIn` decides: signed out ends it, anything else
 * opens it again after {@link REOPEN_AFTER_MS}.
 */
export function useLiveCalls(stillSignedIn: () => Promise<boolean>, url = LIVE_CALLS_EVENTS_URL): LiveCalls {
  const [state, dispatch] = useReducer(reduce, EMPTY_STATE);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [clockOffsetMs, setClockOffsetMs] = useState(0);

  useEffect(() => {
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = () => {
      const es = new EventSource(url);
      source = es;
      es.addEventListener('snapshot', (e) => {
        const snapshot = JSON.parse((e as MessageEvent<string>).data) as Snapshot;
        setClockOffsetMs(Date.parse(snapshot.server_time) - Date.now());
        dispatch({ type: 'snapshot', snapshot });
        setStatus('live');
      });
      for (const event of CALL_EVENTS) {
        es.addEventListener(event, (e) => dispatch({ type: 'call', event, call: (JSON.parse((e as MessageEvent<string>).data) as { call: LiveCall }).call }));
      }
      es.addEventListener('call.transcript', (e) => {
        const line = JSON.parse((e as MessageEvent<string>).data) as TranscriptLine;
        dispatch({ type: 'transcript', runId: line.run_id, lines: [line] });
      });
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) return setStatus('reconnecting');
        // Refused (401 after a sign-out or a revoked session, 503 while a server stops): ask why.
        es.close();
        setStatus('reconnecting');
        void stillSignedIn().then(
          (signedIn) => {
            if (stopped) return;
            if (!signedIn) return setStatus('signed-out');
            reopen = setTimeout(open, REOPEN_AFTER_MS);
          },
          () => {
            if (!stopped) reopen = setTimeout(open, REOPEN_AFTER_MS);
          },
        );
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(reopen);
      source?.close();
    };
  }, [url, stillSignedIn]);

  const addTranscript = useCallback((runId: string, lines: TranscriptLine[]) => dispatch({ type: 'transcript', runId, lines }), []);
  return { state, status, clockOffsetMs, addTranscript };
}

/** The browser's clock, re-read every second: what makes durations tick. A render timer, not a poll: it asks the server nothing. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
