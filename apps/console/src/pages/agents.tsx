import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Agent, ApiClient } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';

/** An agent's state as people speak of it. */
export function agentState(agent: Pick<Agent, 'archived' | 'draft_version' | 'published_version'>): string {
  if (agent.archived) return 'archived';
  if (agent.published_version === null) return 'draft';
  return agent.draft_version === null ? 'published' : 'published, draft pending';
}

/** Copies `text`; resolves false where the browser refuses (no clipboard outside secure contexts). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => setResult((await copyText(text)) ? 'copied' : 'failed');
  return (
    <button type="button" class="small" aria-label={label} onClick={() => void copy()}>
      {result === 'copied' ? 'Copied' : result === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

/** `GET /agents`: name, engine, state and UUID of each, page after page while the API gives a cursor. */
export function AgentsPage({ api }: { api: ApiClient }) {
  const [agents, setAgents] = useState<Agent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [includeArchived, setIncludeArchived] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (from: string | null, append: boolean) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.listAgents({ ...(from ? { cursor: from } : {}), includeArchived });
        setAgents((shown) => (append ? [...shown, ...page.data] : page.data));
        setCursor(page.next_cursor ?? null);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [api, includeArchived],
  );

  useEffect(() => {
    void load(null, false);
  }, [load]);

  return (
    <section>
      <header class="page-header">
        <h1>Agents</h1>
        <label class="inline">
          <input type="checkbox" checked={includeArchived} onChange={(e) => setIncludeArchived(e.currentTarget.checked)} />
          Show archived
        </label>
      </header>
      <ErrorMessage error={error} />
      {!loading && !error && agents.length === 0 ? <p class="empty">No agents yet.</p> : null}
      {agents.length > 0 ? (
        <table class="list" data-testid="agents">
          <thead>
            <tr>
              <th>Name</th>
              <th>Engine</th>
              <th>State</th>
              <th>Agent UUID</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.uuid} data-uuid={agent.uuid}>
                <td>{agent.name}</td>
                <td>{agent.engine?.type ?? '—'}</td>
                <td>{agentState(agent)}</td>
                <td class="uuid">
                  <code>{agent.uuid}</code> <CopyButton text={agent.uuid} label={`Copy the UUID of ${agent.name}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button type="button" disabled={loading} onClick={() => void load(cursor, true)}>
          Load more
        </button>
      ) : null}
      {loading ? <p class="muted">Loading…</p> : null}
    </section>
  );
}
