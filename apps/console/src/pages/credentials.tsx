import { useCallback, useState } from 'preact/hooks';
import type { ApiClient, ServiceCredential } from '../api.ts';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';
import { ResourceList, type Column } from '../ui/resource-list.tsx';
import { SecretField } from '../ui/secret-field.tsx';

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
        <SecretField label="API key" name="api_key" value={apiKey} isSet={credential !== null} formError={formError} onInput={setApiKey} />
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

const COLUMNS: readonly Column<ServiceCredential>[] = [
  { header: 'Name', cell: (c) => c.name },
  { header: 'Vendor', cell: (c) => c.vendor },
  { header: 'Base URL', cell: (c) => c.base_url ?? '—' },
  { header: 'ID', cell: (c) => <code>{c.id}</code> },
];

/**
 * `#/credentials`: the organization's voice-vendor API keys (admins), filtered by vendor; create,
 * edit, delete, and test a stored key against the vendor.
 */
export function CredentialsPage({ api }: { api: ApiClient }) {
  const fetchPage = useCallback((cursor: string | undefined, vendor: string) => api.listServiceCredentials({ ...(cursor ? { cursor } : {}), ...(vendor ? { vendor } : {}) }), [api]);
  return (
    <ResourceList<ServiceCredential>
      title="Service credentials"
      newLabel="New credential"
      testId="credentials"
      empty="No service credentials."
      filter={{ label: 'Vendor', name: 'vendor-filter', options: VENDORS }}
      fetchPage={fetchPage}
      columns={COLUMNS}
      form={({ item, onSaved, onCancel }) => <CredentialForm api={api} credential={item} onSaved={onSaved} onCancel={onCancel} />}
      remove={(c) => api.deleteServiceCredential(c.id)}
      test={(c) => api.testServiceCredential(c.id)}
    />
  );
}
