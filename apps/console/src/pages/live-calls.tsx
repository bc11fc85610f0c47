import { useCallback, useEffect, useState } from 'preact/hooks';
import { ErrorMessage } from '../error-message.tsx';
import { liveCalls } from '../live/calls-state.ts';
import { callSeconds, formatDuration } from '../live/duration.ts';
import type { LiveCall, LiveCallsApi, RunEventRow, TranscriptLine } from '../live/types.ts';
import { useLiveCalls, useNow, type StreamStatus } from '../live/use-live-calls.ts';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import '../live/live-calls.css';

/** Pages of stored run events read when a call's transcript is opened (500 events each). */
const MAX_EVENT_PAGES = 10;

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'signed-out': 'Signed out',
};

/** Where the call is, as people say it. */
export function callStateText(call: LiveCall): string {
  if (call.state === 'running') return 'in call';
  if (call.state === 'initialized') return call.call_type === 'outbound' ? `dialling${call.dial_status ? ` (${call.dial_status})` : ''}` : 'connecting';
  return call.end_reason ?? call.state;
}

const numberText = (n: string | null): string => n ?? '—';

function Duration({ call, now }: { call: LiveCall; now: number }) {
  const seconds = callSeconds(call, now);
  return <span class="duration">{seconds === null ? '—' : formatDuration(seconds)}</span>;
}

function HangUp({ api, call }: { api: LiveCallsApi; call: LiveCall }) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const hangUp = () => {
    setSending(true);
    setError(null);
    // The stream's call.ended removes the row; the button stays disabled until then.
    api.request('POST', `/runs/${encodeURIComponent(call.id)}/hangup`).catch((err: unknown) => {
      setSending(false);
      setError(err);
    });
  };
  return (
    <>
      <ConfirmButton label={sending ? 'Hanging up…' : 'Hang up'} question="Hang up this call?" disabled={sending} title={`Hang up ${call.name}`} onConfirm={hangUp} />
      <ErrorMessage error={error} />
    </>
  );
}

/** Reads the transcript lines already stored on run `runId` (then the stream brings the new ones). */
async function storedTranscript(api: LiveCallsApi, runId: string): Promise<TranscriptLine[]> {
  const lines: TranscriptLine[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res: { data: RunEventRow[]; next_cursor: string | null } = await api.request('GET', `/runs/${encodeURIComponent(runId)}/events?limit=500${query}`);
    for (const e of res.data) if (e.type === 'transcript') lines.push({ run_id: runId, seq: e.seq, at: e.at, data: e.data });
    cursor = res.next_cursor;
    if (cursor === null) break;
  }
  return lines;
}

function TranscriptPanel({ call, lines, allowed, error }: { call: LiveCall; lines: readonly TranscriptLine[]; allowed: boolean; error: unknown }) {
  return (
    <section class="live-transcript" aria-label={`Transcript of ${call.name}`} data-testid="live-transcript">
      <h2>
        Transcript <span class="muted">{call.agent.name}</span>
      </h2>
      <ErrorMessage error={error} />
      {!allowed ? <p class="muted">Your role does not see transcripts.</p> : null}
      {allowed && lines.length === 0 ? <p class="muted">No lines yet. Voice and realtime agents write their transcript here as the call goes.</p> : null}
      <ol class="live-transcript-lines">
        {lines.map((line) => (
          <li key={line.seq} class={line.data.role === 'caller' ? 'caller' : 'agent'}>
            <span class="who">{line.data.role === 'caller' ? 'Caller' : 'Agent'}</span> {line.data.text ?? ''}
            {line.data.interrupted ? <span class="muted"> (interrupted)</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * Live calls: the organization's calls as they happen, pushed by the server over one event stream
 * (no polling), durations ticking every second, provider, numbers and edge, a hang-up button with
 * confirmation (admins and members alike) and, for a selected call, its live transcript.
 */
export function LiveCallsPage({ api }: { api: LiveCallsApi }) {
  const stillSignedIn = useCallback(
    () =>
      api.request('GET', '/me').then(
        () => true,
        (err: unknown) => (err as { status?: unknown }).status !== 401,
      ),
    [api],
  );
  const { state, status, clockOffsetMs, addTranscript } = useLiveCalls(stillSignedIn);
  const now = useNow() + clockOffsetMs;
  const [selected, setSelected] = useState<string | null>(null);
  const [transcriptError, setTranscriptError] = useState<unknown>(null);
  const calls = liveCalls(state);
  const selectedCall = selected === null ? undefined : (state.calls[selected] ?? state.ended.find((c) => c.id === selected));

  useEffect(() => {
    if (selected === null || state.transcriptsAllowed !== true) return;
    let current = true;
    setTranscriptError(null);
    storedTranscript(api, selected).then(
      (lines) => {
        if (current) addTranscript(selected, lines);
      },
      (err: unknown) => {
        if (current) setTranscriptError(err);
      },
    );
    return () => {
      current = false;
    };
  }, [api, selected, state.transcriptsAllowed, addTranscript]);

  return (
    <section>
      <header class="page-header">
        <h1>Live calls</h1>
        <span class={`live-status ${status}`} role="status" data-testid="live-status">
          {STATUS_TEXT[status]}
        </span>
      </header>
      {status === 'signed-out' ? <p class="error">Your session ended: sign in again to follow live calls.</p> : null}
      {state.truncated ? <p class="muted">More calls are live than this page lists (the oldest are shown).</p> : null}
      {status === 'live' && calls.length === 0 ? <p class="empty">No calls right now.</p> : null}
      {calls.length > 0 ? (
        <table class="list" data-testid="live-calls">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Direction</th>
              <th>From</th>
              <th>To</th>
              <th>Provider</th>
              <th>Edge</th>
              <th>State</th>
              <th>Duration</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <tr key={call.id} data-run-id={call.id} aria-selected={call.id === selected}>
                <td>{call.agent.name}</td>
                <td>{call.call_type}</td>
                <td>{numberText(call.caller_number)}</td>
                <td>{numberText(call.called_number)}</td>
                <td>{call.provider}</td>
                <td>{call.edge_id ?? '—'}</td>
                <td>{callStateText(call)}</td>
                <td>
                  <Duration call={call} now={now} />
                </td>
                <td class="row-actions">
                  <button type="button" class="small" aria-pressed={call.id === selected} onClick={() => setSelected(call.id === selected ? null : call.id)}>
                    Transcript
                  </button>{' '}
                  <HangUp api={api} call={call} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {selectedCall ? <TranscriptPanel call={selectedCall} lines={state.transcripts[selectedCall.id] ?? []} allowed={state.transcriptsAllowed === true} error={transcriptError} /> : null}
      {state.ended.length > 0 ? (
        <>
          <h2>Recently ended</h2>
          <table class="list" data-testid="ended-calls">
            <thead>
              <tr>
                <th>Agent</th>
                <th>From</th>
                <th>To</th>
                <th>Provider</th>
                <th>Ended</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {state.ended.map((call) => (
                <tr key={call.id} data-run-id={call.id}>
                  <td>{call.agent.name}</td>
                  <td>{numberText(call.caller_number)}</td>
                  <td>{numberText(call.called_number)}</td>
                  <td>{call.provider}</td>
                  <td>{callStateText(call)}</td>
                  <td>
                    <Duration call={call} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
