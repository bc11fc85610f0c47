import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient, Run, RunEvent, WebhookDelivery } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';
import { closeText } from '../runs/close-text.ts';
import { RecordingPlayer } from '../runs/recording-player.tsx';
import { hrefOf } from '../route.ts';
import { metricNames, transcriptOf, turnLatencies } from '../runs/turns.ts';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList, type PagedList } from '../ui/use-paged-list.ts';
import { timeText } from './runs.tsx';

/** Longest event payload shown in the timeline, in characters (the rest behind "…"). */
const EVENT_TEXT_MAX = 240;

const compact = (value: unknown): string => {
  const text = JSON.stringify(value) ?? '';
  return text.length > EVENT_TEXT_MAX ? `${text.slice(0, EVENT_TEXT_MAX)}…` : text;
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const recordsOf = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.filter(isRecord) : []);

function Facts({ run }: { run: Run }) {
  const rows: Array<[string, ComponentChildren]> = [
    ['State', <span data-testid="run-state">{run.state}</span>],
    ['End reason', run.end_reason ?? '—'],
    ['Error', run.error ?? '—'],
    ['Close code', <span data-testid="run-close">{closeText(run.close)}</span>],
    ['Provider', run.mode],
    ['Call type', run.call_type],
    ['Agent', <a href={hrefOf('agents', run.agent_uuid)}>{run.agent_uuid}</a>],
    ['Caller → called', `${String(run.initial_context['caller_number'] ?? '—')} → ${String(run.initial_context['called_number'] ?? '—')}`],
    ['Created', timeText(run.created_at)],
    ['Started', timeText(run.started_at)],
    ['Ended', timeText(run.ended_at)],
    ['Duration', run.duration_seconds === null ? '—' : `${run.duration_seconds} s`],
    ['Dial status', run.dial_status ?? '—'],
    ['Provider call id', run.provider_call_id ?? (typeof run.gathered_context['call_sid'] === 'string' ? run.gathered_context['call_sid'] : '—')],
    ['Edge', run.edge_id ?? '—'],
  ];
  return (
    <dl class="facts" data-testid="run-facts">
      {rows.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{v}</dd>])}
    </dl>
  );
}

function MediaStats({ run }: { run: Run }) {
  const s = run.media_stats;
  if (!s) return <p class="muted">No media statistics (recorded when the call ends).</p>;
  const dropped = Object.entries(s.frames_dropped_by_reason);
  return (
    <table class="list compact" data-testid="media-stats">
      <tbody>
        <tr>
          <th>Audio in / out</th>
          <td>
            {(s.audio_in_ms / 1000).toFixed(1)} s / {(s.audio_out_ms / 1000).toFixed(1)} s
          </td>
        </tr>
        <tr>
          <th>Frames in / out</th>
          <td>
            {s.frames_in} / {s.frames_out}
          </td>
        </tr>
        <tr>
          <th>Frames dropped</th>
          <td>
            {s.frames_dropped}
            {dropped.length > 0 ? ` (${dropped.map(([r, n]) => `${r}: ${n}`).join(', ')})` : ''}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function Transcript({ events }: { events: RunEvent[] }) {
  const lines = transcriptOf(events);
  if (lines.length === 0) return <p class="muted">No transcript.</p>;
  return (
    <ol class="transcript" data-testid="transcript">
      {lines.map((line) => (
        <li key={line.seq} class={`line ${line.role}${line.interrupted ? ' interrupted' : ''}`}>
          <span class="role">{line.role}</span> {line.text}
          {line.interrupted ? (
            <>
              {' '}
              <span class="badge warn">interrupted</span>
              {line.reply ? <div class="muted">was saying: {line.reply}</div> : null}
            </>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Latency({ events }: { events: RunEvent[] }) {
  const turns = turnLatencies(events);
  if (turns.length === 0) return <p class="muted">No latency measured.</p>;
  const names = metricNames(turns);
  return (
    <table class="list compact" data-testid="latency">
      <thead>
        <tr>
          <th>Turn</th>
          <th>Caller</th>
          {names.map((n) => (
            <th key={n}>{n.replace(/_ms$/, '')} (ms)</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {turns.map((t) => (
          <tr key={t.turn}>
            <td>{t.turn}</td>
            <td>{t.caller ?? '—'}</td>
            {names.map((n) => (
              <td key={n}>{t.metrics[n] ?? '—'}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Timeline({ list }: { list: PagedList<RunEvent> }) {
  const first = list.items[0] ? Date.parse(list.items[0].at) : 0;
  return (
    <>
      {list.items.length > 0 ? (
        <table class="list compact" data-testid="timeline">
          <thead>
            <tr>
              <th>#</th>
              <th>+s</th>
              <th>Type</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{((Date.parse(e.at) - first) / 1000).toFixed(2)}</td>
                <td>{e.type}</td>
                <td>
                  <code>{compact(e.data)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty="No run events." />
    </>
  );
}

/** Provider callbacks and provider actions recorded on the run (`logs`). */
function ProviderLog({ run }: { run: Run }) {
  const callbacks = recordsOf(run.logs['provider_callbacks']);
  const actions = recordsOf(run.logs['provider_actions']);
  if (callbacks.length === 0 && actions.length === 0) return <p class="muted">No provider callbacks.</p>;
  return (
    <table class="list compact" data-testid="provider-callbacks">
      <thead>
        <tr>
          <th>At</th>
          <th>What</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {[...callbacks.map((c) => ({ kind: `callback ${String(c['status'] ?? '')}`, at: c['at'], c })), ...actions.map((a) => ({ kind: `${String(a['action'] ?? 'action')} ${String(a['outcome'] ?? '')}`, at: a['at'], c: a }))]
          .sort((x, y) => String(x.at).localeCompare(String(y.at)))
          .map((row, i) => (
            <tr key={i}>
              <td>{typeof row.at === 'string' ? timeText(row.at) : '—'}</td>
              <td>{row.kind}</td>
              <td>
                <code>{compact(row.c)}</code>
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

/** The run's webhook deliveries, page after page; nothing at all where the server keeps none (404). */
function WebhookDeliveries({ api, runId }: { api: ApiClient; runId: string }) {
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    async (from: string | undefined) => {
      try {
        const page = await api.listWebhookDeliveries(runId, from);
        if (page === null) return;
        setItems((shown) => [...(from === undefined ? [] : (shown ?? [])), ...page.data]);
        setCursor(page.next_cursor ?? null);
      } catch (err) {
        setError(err);
      }
    },
    [api, runId],
  );
  useEffect(() => void load(undefined), [load]);
  if (error) return <ErrorMessage error={error} />;
  if (items === null) return null;
  return (
    <>
      <h2>Webhook deliveries</h2>
      {items.length === 0 ? (
        <p class="muted">No webhook deliveries.</p>
      ) : (
        <table class="list compact" data-testid="webhook-deliveries">
          <thead>
            <tr>
              <th>Attempted</th>
              <th>Event</th>
              <th>Attempt</th>
              <th>Status</th>
              <th>Time</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>{timeText(d.attempted_at)}</td>
                <td>{d.event}</td>
                <td>{d.attempt}</td>
                <td>{d.status_code ?? '—'}</td>
                <td>{d.duration_ms === null ? '—' : `${d.duration_ms} ms`}</td>
                <td>{d.delivered_at ? 'delivered' : d.error ? d.error : d.next_attempt_at ? `retry ${timeText(d.next_attempt_at)}` : 'failed'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor ? (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          Load more
        </button>
      ) : null}
    </>
  );
}

/** `#/runs/{id}`: one run — its facts, recording, media statistics, transcript, per-turn latency, events, provider callbacks and webhook deliveries. */
export function RunPage({ api, runId }: { api: ApiClient; runId: string }) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setRun(null);
    api.getRun(runId).then(setRun, setError);
  }, [api, runId]);
  const fetchEvents = useCallback((cursor: string | undefined) => api.listRunEvents(runId, cursor), [api, runId]);
  const events = usePagedList(fetchEvents);

  if (error) return <ErrorMessage error={error} />;
  if (!run) return <p class="muted">Loading…</p>;
  return (
    <section>
      <p>
        <a href={hrefOf('runs')}>← Runs</a>
      </p>
      <header class="page-header">
        <h1>{run.name}</h1>
      </header>
      <Facts run={run} />
      <h2>Recording</h2>
      <RecordingPlayer run={run} />
      <h2>Media</h2>
      <MediaStats run={run} />
      <h2>Transcript</h2>
      <Transcript events={events.items} />
      <h2>Latency per turn</h2>
      <Latency events={events.items} />
      <h2>Provider callbacks</h2>
      <ProviderLog run={run} />
      <WebhookDeliveries api={api} runId={run.id} />
      <h2>Timeline</h2>
      <Timeline list={events} />
    </section>
  );
}
