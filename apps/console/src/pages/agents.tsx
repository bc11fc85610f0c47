import { useCallback, useState } from 'preact/hooks';
import type { Agent, ApiClient, Role } from '../api.ts';
import { hrefOf } from '../route.ts';
import { adminOnly } from '../ui/admin.ts';
import { CopyButton } from '../ui/copy-button.tsx';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList } from '../ui/use-paged-list.ts';

/** An agent's state as people speak of it. */
export function agentState(agent: Pick<Agent, 'archived' | 'draft_version' | 'published_version'>): string {
  if (agent.archived) return 'archived';
  if (agent.published_version === null) return 'draft';
  return agent.draft_version === null ? 'published' : 'published, draft pending';
}

/** `GET /agents`: name, engine, state and UUID of each, filtered by name, page after page. */
export function AgentsPage({ api, role }: { api: ApiClient; role: Role }) {
  const [includeArchived, setIncludeArchived] = useState(false);
  const [name, setName] = useState('');
  const fetchPage = useCallback((cursor: string | undefined) => api.listAgents({ ...(cursor ? { cursor } : {}), includeArchived, ...(name ? { name } : {}) }), [api, includeArchived, name]);
  const list = usePagedList(fetchPage);

  return (
    <section>
      <header class="page-header">
        <h1>Agents</h1>
        {role === 'admin' ? (
          <a class="button" href={hrefOf('agents', 'new')}>
            New agent
          </a>
        ) : (
          <button type="button" {...adminOnly(role)}>
            New agent
          </button>
        )}
      </header>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setName(new FormData(e.currentTarget).get('name')?.toString().trim() ?? '');
        }}
      >
        <label class="inline">
          Name <input name="name" defaultValue={name} placeholder="exact name" />
        </label>
        <button type="submit" class="small">
          Filter
        </button>
        <label class="inline">
          <input type="checkbox" checked={includeArchived} onChange={(e) => setIncludeArchived(e.currentTarget.checked)} />
          Show archived
        </label>
      </form>
      {list.items.length > 0 ? (
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
            {list.items.map((agent) => (
              <tr key={agent.uuid} data-uuid={agent.uuid}>
                <td>
                  <a href={hrefOf('agents', agent.uuid)}>{agent.name}</a>
                </td>
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
      <ListFooter list={list} empty="No agents." />
    </section>
  );
}
