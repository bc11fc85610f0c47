import { useCallback } from 'preact/hooks';
import type { ApiClient, TelephonyConfiguration } from '../api.ts';
import { PROVIDERS, PROVIDER_FORMS } from '../telephony/providers.ts';
import { TelephonyForm } from '../telephony/telephony-form.tsx';
import { ResourceList, type Column } from '../ui/resource-list.tsx';

const COLUMNS: readonly Column<TelephonyConfiguration>[] = [
  { header: 'Name', cell: (c) => c.name },
  { header: 'Provider', cell: (c) => c.provider },
  { header: 'Account', cell: (c) => <code>{String(c[PROVIDER_FORMS[c.provider]?.accountField ?? 'domain_id'] ?? '')}</code> },
  { header: 'Credentials', cell: (c) => (c.has_credentials ? 'set' : 'none') },
  { header: 'API base URL', cell: (c) => <code>{c.api_base_url}</code> },
];

/**
 * `#/telephony`: the organization's telephony configurations (admins), filtered by provider; create,
 * edit, delete, and test the stored credentials against the provider.
 */
export function TelephonyPage({ api }: { api: ApiClient }) {
  const fetchPage = useCallback((cursor: string | undefined, provider: string) => api.listTelephony({ ...(cursor ? { cursor } : {}), ...(provider ? { provider } : {}) }), [api]);
  return (
    <ResourceList<TelephonyConfiguration>
      title="Telephony configurations"
      newLabel="New configuration"
      testId="telephony"
      empty="No telephony configurations."
      filter={{ label: 'Provider', name: 'provider-filter', options: PROVIDERS }}
      fetchPage={fetchPage}
      columns={COLUMNS}
      form={({ item, onSaved, onCancel }) => <TelephonyForm api={api} config={item} onSaved={onSaved} onCancel={onCancel} />}
      remove={(c) => api.deleteTelephony(c.id)}
      test={(c) => api.testTelephony(c.id)}
      untestable={(c) => (c.has_credentials ? undefined : 'No credentials stored')}
    />
  );
}
