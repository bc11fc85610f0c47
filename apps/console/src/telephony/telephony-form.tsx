import { useState } from 'preact/hooks';
import type { ApiClient, TelephonyConfiguration } from '../api.ts';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';
import { SecretField } from '../ui/secret-field.tsx';
import { PROVIDERS, PROVIDER_FORMS } from './providers.ts';

const OTHER_FIELDS = ['provider', 'name', 'api_base_url', 'settings'];

/**
 * Creates a telephony configuration (`config` null) or edits one. Credentials are write-only: their
 * inputs start empty, and left empty the stored ones are kept.
 */
export function TelephonyForm({ api, config, onSaved, onCancel }: { api: ApiClient; config: TelephonyConfiguration | null; onSaved: (c: TelephonyConfiguration) => void; onCancel?: () => void }) {
  const [provider, setProvider] = useState(config?.provider ?? PROVIDERS[0]!);
  const form = PROVIDER_FORMS[provider] ?? { accountField: 'account', accountLabel: 'Account', credentialFields: [] };
  const [name, setName] = useState(config?.name ?? '');
  const [account, setAccount] = useState(config ? String(config[form.accountField] ?? '') : '');
  const [apiBaseUrl, setApiBaseUrl] = useState(config?.api_base_url ?? '');
  const [settings, setSettings] = useState(config && Object.keys(config.settings).length > 0 ? JSON.stringify(config.settings) : '');
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    const body: Record<string, unknown> = { name, [form.accountField]: account };
    if (!config) body['provider'] = provider;
    if (apiBaseUrl.trim() !== '') body['api_base_url'] = apiBaseUrl.trim();
    else if (config) body['api_base_url'] = null;
    if (settings.trim() !== '') {
      try {
        body['settings'] = JSON.parse(settings);
      } catch {
        return setFormError({ error: new Error('settings: is not valid JSON'), field: 'settings' });
      }
    } else if (config) body['settings'] = null;
    for (const field of form.credentialFields) if (secrets[field]) body[field] = secrets[field];
    setBusy(true);
    try {
      const saved = config ? await api.updateTelephony(config.id, body) : await api.createTelephony(body);
      setSecrets({});
      onSaved(saved);
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, [...OTHER_FIELDS, form.accountField, ...form.credentialFields]) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" data-testid="telephony-form" onSubmit={(e) => void submit(e)}>
      <h2>{config ? `Edit ${config.name}` : 'New telephony configuration'}</h2>
      <div class="form-grid">
        <Field label="Provider" name="provider" formError={formError}>
          <select name="provider" value={provider} disabled={config !== null} onChange={(e) => setProvider(e.currentTarget.value)}>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" name="name" formError={formError}>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={form.accountLabel} name={form.accountField} formError={formError}>
          <input name={form.accountField} value={account} onInput={(e) => setAccount(e.currentTarget.value)} />
        </Field>
        {form.credentialFields.map((field) => (
          <SecretField
            key={field}
            label={field}
            name={field}
            value={secrets[field] ?? ''}
            isSet={config?.has_credentials === true}
            formError={formError}
            onInput={(value) => setSecrets((all) => ({ ...all, [field]: value }))}
          />
        ))}
        <Field label="API base URL" name="api_base_url" formError={formError} hint="empty: the provider's own">
          <input name="api_base_url" value={apiBaseUrl} onInput={(e) => setApiBaseUrl(e.currentTarget.value)} />
        </Field>
        <Field label="Settings (JSON)" name="settings" formError={formError}>
          <input name="settings" value={settings} onInput={(e) => setSettings(e.currentTarget.value)} />
        </Field>
      </div>
      <FormErrorLine formError={formError} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {config ? 'Save' : 'Create'}
        </button>
        {onCancel ? (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
