import { useCallback, useState } from 'preact/hooks';
import type { ApiClient, ServiceCredential } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList } from '../ui/use-paged-list.ts';

/** Vendors a service credential may be for (`POST /service-credentials`, docs/agent-stream.md). */
const VENDORS = ['openai', 'deepgram', 'elevenlabs', 'cartesia'] as const;
const FIELDS = ['vendor', 'name', 'api_key', 'base_url'];

/** Creates a service credential (`credential` null) or edits one; the key is write-only (empty: kept). */
function CredentialForm({ api, credential, onSaved, onCancel }: { api: ApiClient; credential: ServiceCredential | null; onSaved: () => void; onCancel: () => void }) {
  const [vendor, setVendor] = useState(credential?.vendor ?? VENDORS[0]);
  const [name, setName] = useState(credential?.name ?? '');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState(credential?.base_url ?? '');
  const [formError, setFormError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    setBusy(true);
    const base_url = baseUrl.trim() === '' ? null : baseUrl.trim();
    try {
      if (credential) {
        await api.updateServiceCredential(credential.id, { name, ...(apiKey ? { api_key: apiKey } : {}), ...(base_url === credential.base_url ? {} : { base_url }) });
      } else {
        await api.createServiceCredential({ vendor, name, api_key: apiKey, base_url });
      }
      onSaved();
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, FIELDS) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" data-testid="credential-form" onSubmit={(e) => void submit(e)}>
      <h2>{credential ? `Edit ${credential.name}` : 'New service credential'}</h2>
      <div class="form-grid">
        <Field label="Vendor" name="vendor" formError={formError}>
          <select name="vendor" value={vendor} disabled={credential !== null} onChange={(e) => setVendor(e.currentTarget.value)}>
            {VENDORS.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" name="name" formError={formError}>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="API key" name="api_key" formError={formError} hint="write-only">
          <input name="api_key" type="password" autocomplete="off" value={apiKey} placeholder={credential ? 'set: leave empty to keep' : ''} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </Field>
        <Field label="Base URL" name="base_url" formError={formError} hint="an OpenAI-compatible server; empty: the vendor's own">
          <input name="base_url" value={baseUrl} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
        </Field>
      </div>
      <FormErrorLine formError={formError} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {credential ? 'Save' : 'Create'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** `#/credentials`: the organization's voice-vendor API keys (admins), filtered by vendor; create, edit, delete. */
export function CredentialsPage({ api }: { api: ApiClient }) {
  const [vendor, setVendor] = useState('');
  const [editing, setEditing] = useState<ServiceCredential | 'new' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const fetchPage = useCallback((cursor: string | undefined) => api.listServiceCredentials({ ...(cursor ? { cursor } : {}), ...(vendor ? { vendor } : {}) }), [api, vendor]);
  const list = usePagedList(fetchPage);

  const remove = async (credential: ServiceCredential) => {
    setActionError(null);
    try {
      await api.deleteServiceCredential(credential.id);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <section>
      <header class="page-header">
        <h1>Service credentials</h1>
        <button type="button" onClick={() => setEditing('new')}>
          New credential
        </button>
      </header>
      {editing !== null ? (
        <CredentialForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          credential={editing === 'new' ? null : editing}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <div class="filters">
        <label class="inline">
          Vendor{' '}
          <select name="vendor-filter" value={vendor} onChange={(e) => setVendor(e.currentTarget.value)}>
            <option value="">all</option>
            {VENDORS.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={actionError} />
      {list.items.length > 0 ? (
        <table class="list" data-testid="credentials">
          <thead>
            <tr>
              <th>Name</th>
              <th>Vendor</th>
              <th>Base URL</th>
              <th>ID</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id} data-id={c.id}>
                <td>{c.name}</td>
                <td>{c.vendor}</td>
                <td>{c.base_url ?? '—'}</td>
                <td>
                  <code>{c.id}</code>
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
      <ListFooter list={list} empty="No service credentials." />
    </section>
  );
}
