import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Agent, ApiClient, Role, ServiceCredential } from '../api.ts';
import { adminOnly } from '../ui/admin.ts';
import { fieldOfError } from '../ui/field-error.ts';
import { Field, FormErrorLine, type FormError } from '../ui/form.tsx';
import { EngineValueError, OTHER_FIELD, configOf, valuesOf, type EngineValues } from './config-values.ts';
import { EngineFields, engineFieldName } from './engine-form.tsx';
import { ENGINE_FIELDS, ENGINE_TYPES } from './fields.ts';

/**
 * An agent's name and engine configuration, in the form of its engine type: creates the agent
 * (`agent` null) or edits its draft. The server validates; its error shows beside the field it names.
 */
export function AgentEditor({ api, role, agent, onSaved }: { api: ApiClient; role: Role; agent: Agent | null; onSaved: (agent: Agent) => void }) {
  const initialType = agent?.engine?.type ?? 'voice';
  const [name, setName] = useState(agent?.name ?? '');
  const [type, setType] = useState(initialType);
  const fields = ENGINE_FIELDS[type] ?? [];
  const [values, setValues] = useState<EngineValues>(() => valuesOf(fields, agent?.engine ?? null));
  const [credentials, setCredentials] = useState<ServiceCredential[] | null>(null);
  const [formError, setFormError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.listServiceCredentials().then(
      (page) => setCredentials(page.data),
      () => setCredentials(null),
    );
  }, [api]);

  const fieldNames = useMemo(() => ['name', 'engine.type', ...fields.map((f) => engineFieldName(f.path)), engineFieldName(OTHER_FIELD)], [fields]);

  const chooseType = (next: string) => {
    setType(next);
    // A stored configuration of that type comes back; another type starts empty (its secrets are forgotten).
    setValues(valuesOf(ENGINE_FIELDS[next] ?? [], next === initialType ? (agent?.engine ?? null) : null));
    setFormError(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    setSaved(false);
    let engine;
    try {
      engine = configOf(type, fields, values);
    } catch (err) {
      if (err instanceof EngineValueError) return setFormError({ error: err, field: engineFieldName(err.path) });
      throw err;
    }
    setBusy(true);
    try {
      const result = agent ? await api.updateAgent(agent.uuid, { name, engine }) : await api.createAgent({ name, engine });
      setValues(valuesOf(fields, result.engine));
      setSaved(true);
      onSaved(result);
    } catch (err) {
      setFormError({ error: err, field: fieldOfError(err, fieldNames) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" data-testid="agent-form" onSubmit={(e) => void submit(e)}>
      <h2>{agent ? 'Draft configuration' : 'New agent'}</h2>
      <div class="form-grid">
        <Field label="Name" name="name" formError={formError}>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Engine" name="engine.type" formError={formError}>
          <select name="engine.type" value={type} onChange={(e) => chooseType(e.currentTarget.value)}>
            {ENGINE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <EngineFields fields={fields} values={values} onChange={(path, v) => setValues((all) => ({ ...all, [path]: v }))} credentials={credentials} secretsSet={agent?.engine_secrets_set ?? []} formError={formError} />
      <FormErrorLine formError={formError} />
      <div class="actions">
        <button type="submit" disabled={busy} {...adminOnly(role)}>
          {agent ? 'Save draft' : 'Create agent'}
        </button>
        {saved ? <span class="muted" role="status">Saved.</span> : null}
      </div>
    </form>
  );
}
