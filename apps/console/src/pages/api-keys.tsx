import { useCallback, useState } from 'preact/hooks';
import type { ApiClient, CreatedApiKey, Role } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { CopyValue } from '../ui/copy-button.tsx';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';
import { ListFooter } from '../ui/list-footer.tsx';
import { usePagedList } from '../ui/use-paged-list.ts';
import { timeText } from './runs.tsx';

/** Creates a key for the signed-in person; the key is shown this once. */
function CreateKeyForm({ api, onCreated }: { api: ApiClient; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [expires, setExpires] = useState('');
  const [formError, setFormError] = useState<FormError | null>(null);
  const [made, setMade] = useState<CreatedApiKey | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    try {
      const expiresAt = expires ? new Date(expires).toISOString() : null;
      setMade(await api.createApiKey({ name, role, expires_at: expiresAt }));
      setName('');
      onCreated();
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, ['name', 'role', 'expires_at']) });
    }
  };
  return (
    <form class="panel" data-testid="api-key-form" onSubmit={(e) => void submit(e)}>
      <h2>New API key</h2>
      <div class="form-grid">
        <Field label="Name" name="name" formError={formError}>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Role" name="role" formError={formError}>
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option>member</option>
            <option>admin</option>
          </select>
        </Field>
        <Field label="Expires" name="expires_at" formError={formError} hint="empty: never">
          <input type="datetime-local" name="expires_at" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </Field>
      </div>
      <FormErrorLine formError={formError} />
      <button type="submit">Create key</button>
      {made ? (
        <div class="once" role="status" data-testid="new-key">
          <strong>Store this key now: it is shown this once.</strong>
          <div>
            <CopyValue value={made.key} label="Copy the API key" />
          </div>
        </div>
      ) : null}
    </form>
  );
}

/** `#/api-keys`: the organization's API keys (admins): create (shown once), revoke. */
export function ApiKeysPage({ api }: { api: ApiClient }) {
  const [showRevoked, setShowRevoked] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const fetchPage = useCallback(() => api.listApiKeys(), [api]);
  const list = usePagedList(fetchPage);
  const revoke = async (id: string) => {
    setActionError(null);
    try {
      await api.revokeApiKey(id);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const shown = list.items.filter((k) => showRevoked || !k.revoked);

  return (
    <section>
      <header class="page-header">
        <h1>API keys</h1>
        <label class="inline">
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.currentTarget.checked)} />
          Show revoked
        </label>
      </header>
      <CreateKeyForm api={api} onCreated={list.reload} />
      <ErrorMessage error={actionError} />
      {shown.length > 0 ? (
        <table class="list" data-testid="api-keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((k) => (
              <tr key={k.id} data-id={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.role}</td>
                <td>{timeText(k.created_at)}</td>
                <td>{timeText(k.last_used_at)}</td>
                <td>{timeText(k.expires_at)}</td>
                <td class="row-actions">{k.revoked ? 'revoked' : <ConfirmButton label="Revoke" question="Revoke it? Scripts using it stop at once." onConfirm={() => void revoke(k.id)} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter list={list} empty="No API keys." />
    </section>
  );
}
