import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Agent, ApiClient, Role } from '../api.ts';
import { PlaceCallForm } from '../agents/place-call-form.tsx';
import { AgentEditor } from '../engines/agent-editor.tsx';
import { AgentSettings } from '../engines/agent-settings.tsx';
import { ErrorMessage } from '../error-message.tsx';
import { hrefOf, navigate } from '../route.ts';
import { adminOnly } from '../ui/admin.ts';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { CopyValue } from '../ui/copy-button.tsx';
import { agentState } from './agents.tsx';

/** The Agent Stream URL of an agent on the address the console is served from (the product's own). */
export function streamUrlOf(uuid: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/agent-stream/${uuid}`;
}

/** One provider's answer URL, stream URL and, on demand, the answer document the product serves. */
function ProviderRow({ api, provider, agent }: { api: ApiClient; provider: string; agent: Agent }) {
  const [doc, setDoc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const answerUrl = agent.answer_urls?.[provider];
  const streamUrl = agent.stream_urls?.[provider];
  const show = async () => {
    setError(null);
    try {
      setDoc(await api.text(`/answer/${encodeURIComponent(provider)}/${encodeURIComponent(agent.uuid)}`));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <tr data-provider={provider}>
      <th>{provider}</th>
      <td>
        {answerUrl ? <CopyValue value={answerUrl} label={`Copy the ${provider} answer URL`} /> : '—'}
        {streamUrl ? (
          <div>
            <CopyValue value={streamUrl} label={`Copy the ${provider} stream URL`} />
          </div>
        ) : null}
        {doc === null ? (
          <button type="button" class="small" onClick={() => void show()}>
            Show answer document
          </button>
        ) : (
          <pre class="snippet" data-testid={`answer-${provider}`}>
            {doc}
          </pre>
        )}
        <ErrorMessage error={error} />
      </td>
    </tr>
  );
}

/** `#/agents/{uuid}`: the agent's identity and URLs, publish / archive, placing calls with it, and its draft in its engine's form. */
export function AgentPage({ api, role, uuid }: { api: ApiClient; role: Role; uuid: string }) {
  const [agent, setAgent] = useState<Agent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setAgent(await api.getAgent(uuid));
    } catch (err) {
      setError(err);
    }
  }, [api, uuid]);
  useEffect(() => void load(), [load]);

  const act = async (action: (uuid: string) => Promise<Agent>) => {
    setActionError(null);
    try {
      setAgent(await action(uuid));
    } catch (err) {
      setActionError(err);
    }
  };

  if (error) return <ErrorMessage error={error} />;
  if (!agent) return <p class="muted">Loading…</p>;
  const providers = Object.keys(agent.answer_urls ?? {});
  return (
    <section>
      <p>
        <a href={hrefOf('agents')}>← Agents</a>
      </p>
      <header class="page-header">
        <h1>{agent.name}</h1>
        <span class="badge" data-testid="agent-state">
          {agentState(agent)}
        </span>
      </header>
      <dl class="facts">
        <dt>Agent UUID</dt>
        <dd>
          <CopyValue value={agent.uuid} label="Copy the Agent UUID" testId="agent-uuid" />
        </dd>
        <dt>Stream URL</dt>
        <dd>
          <CopyValue value={streamUrlOf(agent.uuid)} label="Copy the stream URL" testId="stream-url" />
        </dd>
        <dt>Versions</dt>
        <dd>
          draft {agent.draft_version ?? '—'}, published {agent.published_version ?? '—'}
        </dd>
      </dl>
      <div class="actions">
        <button type="button" disabled={agent.draft_version === null || agent.archived} onClick={() => void act((u) => api.publishAgent(u))} {...adminOnly(role)}>
          Publish
        </button>
        {!agent.archived ? <ConfirmButton label="Archive" question="Archive this agent? Its streams are refused from then on." onConfirm={() => void act((u) => api.archiveAgent(u))} {...adminOnly(role)} /> : null}
        <a href={hrefOf('runs', undefined, { agent_uuid: agent.uuid })}>Runs of this agent</a>
      </div>
      <ErrorMessage error={actionError} />
      <h2>Answer URLs per provider</h2>
      {providers.length === 0 ? (
        <p class="muted">The product's public URL is not known (VR3_PUBLIC_URL): no provider URLs yet.</p>
      ) : (
        <table class="list providers">
          <tbody>
            {providers.map((p) => (
              <ProviderRow key={p} api={api} provider={p} agent={agent} />
            ))}
          </tbody>
        </table>
      )}
      {agent.archived ? null : <PlaceCallForm api={api} role={role} agent={agent} />}
      {agent.archived ? null : <AgentSettings api={api} role={role} agent={agent} onSaved={setAgent} />}
      {agent.archived ? null : <AgentEditor api={api} role={role} agent={agent} onSaved={setAgent} />}
    </section>
  );
}

/** `#/agents/new`: the form of a new agent; saved, it opens the agent's page. */
export function NewAgentPage({ api, role }: { api: ApiClient; role: Role }) {
  return (
    <section>
      <p>
        <a href={hrefOf('agents')}>← Agents</a>
      </p>
      <AgentEditor api={api} role={role} agent={null} onSaved={(agent) => navigate('agents', agent.uuid)} />
    </section>
  );
}
