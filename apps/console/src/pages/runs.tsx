import { useCallback } from 'preact/hooks';
import type { ApiClient, Run, RunFilters } from '../api.ts';
import { hrefOf } from '../route.ts';
import { PROVIDERS } from '../telephony/providers.ts';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList } from '../ui/use-paged-list.ts';

/** The filters of `GET /runs`, as the page's query names them. */
const FILTERS = ['agent_uuid', 'state', 'end_reason', 'provider', 'created_after', 'created_before'] as const satisfies ReadonlyArray<keyof RunFilters>;
const STATES = ['initialized', 'running', 'completed', 'failed'];

/** The filters in `query` (unknown and empty parameters dropped). */
export function filtersOf(query: URLSearchParams): RunFilters {
  const filters: RunFilters = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

/** `2026-12-06T10:30` (a datetime-local input, the browser's zone) → ISO 8601 in UTC; '' stays ''. */
function isoOf(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/** ISO 8601 → the datetime-local value in the browser's zone. */
function localOf(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A time as the console shows it: local date and time to the second. */
export function timeText(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—';
}

/** `#/runs?…`: the organization's runs, newest first, filtered by the page's query. */
export function RunsPage({ api, query }: { api: ApiClient; query: URLSearchParams }) {
  const key = query.toString();
  const fetchPage = useCallback(
    (cursor: string | undefined) => api.listRuns({ ...filtersOf(new URLSearchParams(key)), ...(cursor ? { cursor } : {}) }),
    [api, key],
  );
  const list = usePagedList<Run>(fetchPage);
  const filters = filtersOf(query);

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const chosen: Record<string, string> = {};
    for (const name of FILTERS) {
      const raw = form.get(name)?.toString().trim() ?? '';
      const value = name === 'created_after' || name === 'created_before' ? isoOf(raw) : raw;
      if (value) chosen[name] = value;
    }
    window.location.hash = hrefOf('runs', undefined, chosen);
  };

  return (
    <section>
      <header class="page-header">
        <h1>Runs</h1>
      </header>
      {/* Uncontrolled: the form is made again, from the query, whenever the query changes. */}
      <form class="filters" key={key} onSubmit={apply} data-testid="run-filters">
        <label class="inline">
          Agent UUID <input name="agent_uuid" defaultValue={filters.agent_uuid ?? ''} size={36} />
        </label>
        <label class="inline">
          State{' '}
          <select name="state">
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s} selected={s === filters.state}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          End reason <input name="end_reason" defaultValue={filters.end_reason ?? ''} placeholder="caller_hangup" size={16} />
        </label>
        <label class="inline">
          Provider{' '}
          <select name="provider">
            <option value="">any</option>
            {PROVIDERS.map((p) => (
              <option key={p} value={p} selected={p === filters.provider}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          From <input type="datetime-local" name="created_after" defaultValue={localOf(filters.created_after)} />
        </label>
        <label class="inline">
          Until <input type="datetime-local" name="created_before" defaultValue={localOf(filters.created_before)} />
        </label>
        <button type="submit" class="small">
          Filter
        </button>
        <a href={hrefOf('runs')}>Clear</a>
      </form>
      {list.items.length > 0 ? (
        <table class="list" data-testid="runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Created</th>
              <th>Provider</th>
              <th>State</th>
              <th>End reason</th>
              <th>Duration</th>
              <th>Agent</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((run) => (
              <tr key={run.id} data-id={run.id}>
                <td>
                  <a href={hrefOf('runs', run.id)}>{run.name}</a>
                </td>
                <td>{timeText(run.created_at)}</td>
                <td>{run.mode}</td>
                <td>{run.state}</td>
                <td>{run.end_reason ?? '—'}</td>
                <td>{run.duration_seconds === null ? '—' : `${run.duration_seconds} s`}</td>
                <td>
                  <a href={hrefOf('agents', run.agent_uuid)}>
                    <code>{run.agent_uuid.slice(0, 8)}</code>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty="No runs match." />
    </section>
  );
}
