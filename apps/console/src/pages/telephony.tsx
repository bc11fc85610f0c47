import { useCallback, useState } from 'preact/hooks';
import type { ApiClient, TelephonyConfiguration } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';
import { PROVIDERS, PROVIDER_FORMS } from '../telephony/providers.ts';
import { TelephonyForm } from '../telephony/telephony-form.tsx';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList } from '../ui/use-paged-list.ts';

/** `#/telephony`: the organization's telephony configurations (admins), filtered by provider; create, edit, delete. */
export function TelephonyPage({ api }: { api: ApiClient }) {
  const [provider, setProvider] = useState('');
  const [editing, setEditing] = useState<TelephonyConfiguration | 'new' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const fetchPage = useCallback((cursor: string | undefined) => api.listTelephony({ ...(cursor ? { cursor } : {}), ...(provider ? { provider } : {}) }), [api, provider]);
  const list = usePagedList(fetchPage);

  const remove = async (config: TelephonyConfiguration) => {
    setActionError(null);
    try {
      await api.deleteTelephony(config.id);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const saved = () => {
    setEditing(null);
    list.reload();
  };

  return (
    <section>
      <header class="page-header">
        <h1>Telephony configurations</h1>
        <button type="button" onClick={() => setEditing('new')}>
          New configuration
        </button>
      </header>
      {editing !== null ? <TelephonyForm key={editing === 'new' ? 'new' : editing.id} api={api} config={editing === 'new' ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} /> : null}
      <div class="filters">
        <label class="inline">
          Provider{' '}
          <select name="provider-filter" value={provider} onChange={(e) => setProvider(e.currentTarget.value)}>
            <option value="">all</option>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={actionError} />
      {list.items.length > 0 ? (
        <table class="list" data-testid="telephony">
          <thead>
            <tr>
              <th>Name</th>
              <th>Provider</th>
              <th>Account</th>
              <th>Credentials</th>
              <th>API base URL</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id} data-id={c.id}>
                <td>{c.name}</td>
                <td>{c.provider}</td>
                <td>
                  <code>{String(c[PROVIDER_FORMS[c.provider]?.accountField ?? 'domain_id'] ?? '')}</code>
                </td>
                <td>{c.has_credentials ? 'set' : 'none'}</td>
                <td>
                  <code>{c.api_base_url}</code>
                </td>
                <td class="row-actions">
                  <button type="button" class="small" onClick={() => setEditing(c)}>
                    Edit
                  </button>{' '}
                  <ConfirmButton label="Delete" question="Delete it?" onConfirm={() => void remove(c)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty="No telephony configurations." />
    </section>
  );
}
