import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Agent, type ApiClient, type Role, type Run, type TelephonyConfiguration } from '../api.ts';
import { ErrorMessage } from '../error-message.tsx';
import type { operations } from '../generated/api.ts';
import { hrefOf } from '../route.ts';
import { adminOnly } from '../ui/admin.ts';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';

/** The body of `POST /agents/{uuid}/calls`, as the API's contract types it. */
type PlaceCallBody = operations['placeCall']['requestBody']['content']['application/json'];

const FIELDS = ['telephony_configuration_id', 'to', 'from', 'initial_context', 'max_duration_s'] as const;

/** Errors about the chosen configuration whose message names no field: shown beside its select. */
const CONFIGURATION_ERRORS: ReadonlySet<string> = new Set(['telephony_configuration_not_found', 'credentials_required', 'outbound_not_supported']);

/** Most configurations the select lists (pages of the API's list read until then). */
const MAX_CONFIGURATION_PAGES = 10;

/** The field a failed placement names: by its message, else by its code; null for the whole form. */
function fieldOf(err: unknown): string | null {
  const named = fieldOfError(err, FIELDS);
  if (named !== null) return named;
  return err instanceof ApiError && CONFIGURATION_ERRORS.has(err.code) ? 'telephony_configuration_id' : null;
}

/** Every telephony configuration of the organization (up to {@link MAX_CONFIGURATION_PAGES} pages). */
async function allConfigurations(api: ApiClient): Promise<TelephonyConfiguration[]> {
  const all: TelephonyConfiguration[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_CONFIGURATION_PAGES; page++) {
    const { data, next_cursor } = await api.listTelephony(cursor === undefined ? {} : { cursor });
    all.push(...data);
    if (!next_cursor) break;
    cursor = next_cursor;
  }
  return all;
}

/**
 * "Place a call" on an agent's page: `POST /agents/{uuid}/calls` through one of the organization's
 * telephony configurations (docs/outbound.md). The provider dials `to` with caller id `from` and
 * streams the answered call to the agent; the placed run links to its page and to Live calls.
 * Admin only, as the API is (placing a call costs money on the provider account): for a member the
 * configurations are not read and the form is disabled.
 */
export function PlaceCallForm({ api, role, agent }: { api: ApiClient; role: Role; agent: Agent }) {
  const isAdmin = role === 'admin';
  const [configurations, setConfigurations] = useState<TelephonyConfiguration[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [configurationId, setConfigurationId] = useState('');
  const [to, setTo] = useState('');
  const [from, setFrom] = useState('');
  const [maxDuration, setMaxDuration] = useState('');
  const [initialContext, setInitialContext] = useState('');
  const [formError, setFormError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const [placed, setPlaced] = useState<Run | null>(null);

  useEffect(() => {
    if (!isAdmin) return;
    let live = true;
    allConfigurations(api).then(
      (list) => {
        if (!live) return;
        setConfigurations(list);
        setConfigurationId((current) => current || (list[0]?.id ?? ''));
      },
      (err: unknown) => live && setLoadError(err),
    );
    return () => void (live = false);
  }, [api, isAdmin]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    setPlaced(null);
    const body: PlaceCallBody = { telephony_configuration_id: configurationId, to: to.trim() };
    if (from.trim() !== '') body.from = from.trim();
    if (maxDuration.trim() !== '') body.max_duration_s = Number(maxDuration);
    if (initialContext.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(initialContext);
      } catch {
        return setFormError({ error: new Error('initial_context: is not valid JSON'), field: 'initial_context' });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return setFormError({ error: new Error('initial_context: must be a JSON object'), field: 'initial_context' });
      body.initial_context = parsed as Record<string, unknown>;
    }
    setBusy(true);
    try {
      setPlaced(await api.request<Run>('POST', `/agents/${encodeURIComponent(agent.uuid)}/calls`, body));
    } catch (err) {
      setFormError({ error: err, field: fieldOf(err) });
    } finally {
      setBusy(false);
    }
  };

  const none = configurations !== null && configurations.length === 0;
  return (
    <form class="panel" data-testid="place-call" onSubmit={(e) => void submit(e)}>
      <h2>Place a call</h2>
      <p class="muted">The provider dials the number and streams the answered call to this agent (its published version, else the draft).</p>
      {none ? (
        <p class="muted">
          No telephony configuration yet: add one on the <a href={hrefOf('telephony')}>Telephony</a> page.
        </p>
      ) : null}
      <div class="form-grid">
        <Field label="Telephony configuration" name="telephony_configuration_id" formError={formError}>
          <select name="telephony_configuration_id" value={configurationId} onChange={(e) => setConfigurationId(e.currentTarget.value)} {...adminOnly(role)}>
            {(configurations ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.provider}){c.has_credentials ? '' : ' — no credentials'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="To" name="to" formError={formError} hint="E.164: + then the country code and number">
          <input name="to" type="tel" value={to} placeholder="+15550001111" onInput={(e) => setTo(e.currentTarget.value)} {...adminOnly(role)} />
        </Field>
        <Field label="From (caller id)" name="from" formError={formError} hint="E.164, a number of the provider account">
          <input name="from" type="tel" value={from} placeholder="+15550002222" onInput={(e) => setFrom(e.currentTarget.value)} {...adminOnly(role)} />
        </Field>
        <Field label="Longest call (seconds)" name="max_duration_s" formError={formError} hint="optional, 1 to 14400">
          <input name="max_duration_s" type="number" step={1} value={maxDuration} onInput={(e) => setMaxDuration(e.currentTarget.value)} {...adminOnly(role)} />
        </Field>
        <Field label="Initial context (JSON)" name="initial_context" formError={formError} hint="optional object, kept on the run with the numbers">
          <textarea name="initial_context" rows={2} value={initialContext} placeholder='{"customer": "42"}' onInput={(e) => setInitialContext(e.currentTarget.value)} {...adminOnly(role)} />
        </Field>
      </div>
      <ErrorMessage error={loadError} />
      <FormErrorLine formError={formError} />
      <div class="actions">
        <button type="submit" disabled={busy || none || configurationId === ''} {...adminOnly(role)}>
          Place call
        </button>
        {placed ? (
          <span role="status" data-testid="placed-call">
            Placed: run <code>{placed.id}</code> ({placed.dial_status ?? placed.state}) · <a href={hrefOf('runs', placed.id)}>Open the run</a> · <a href={hrefOf('live-calls')}>Live calls</a>
          </span>
        ) : null}
      </div>
    </form>
  );
}
