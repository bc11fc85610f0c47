import type { ServiceCredential } from '../types.ts';
import { Field, type FormError } from '../ui/form.tsx';
import { OTHER_FIELD, type EngineValues } from './config-values.ts';
import type { EngineField } from './fields.ts';

/** The name of an engine field in the form's errors: its path under `engine` (as the API names it). */
export const engineFieldName = (path: string) => `engine.${path}`;

function Control({ field, value, onInput, credentials, secretSet }: { field: EngineField; value: string; onInput: (v: string) => void; credentials: ServiceCredential[] | null; secretSet: boolean }) {
  const name = engineFieldName(field.path);
  switch (field.kind) {
    case 'textarea':
    case 'json':
      return (
        <textarea
          name={name}
          rows={field.kind === 'json' ? 4 : 5}
          value={value}
          placeholder={secretSet ? 'set (write-only): leave empty to keep' : undefined}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      );
    case 'select':
    case 'boolean':
      return (
        <select name={name} value={value} onChange={(e) => onInput(e.currentTarget.value)}>
          <option value="">(default)</option>
          {(field.kind === 'boolean' ? ['true', 'false'] : (field.options ?? [])).map((o) => (
            <option key={o} value={o}>
              {field.kind === 'boolean' ? (o === 'true' ? 'on' : 'off') : o}
            </option>
          ))}
        </select>
      );
    case 'credential':
      // Without the list (members may not read credentials) the id is typed.
      if (credentials === null) return <input name={name} value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
      return (
        <select name={name} value={value} onChange={(e) => onInput(e.currentTarget.value)}>
          <option value="">(choose a service credential)</option>
          {value && !credentials.some((c) => c.id === value) ? <option value={value}>{value}</option> : null}
          {credentials.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.vendor})
            </option>
          ))}
        </select>
      );
    case 'number':
    case 'text':
      return <input name={name} inputMode={field.kind === 'number' ? 'decimal' : undefined} value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
  }
}

/** The fields of one engine's configuration, each with the server's error when it names it. */
export function EngineFields({
  fields,
  values,
  onChange,
  credentials,
  secretsSet,
  formError,
}: {
  fields: readonly EngineField[];
  values: EngineValues;
  onChange: (path: string, value: string) => void;
  credentials: ServiceCredential[] | null;
  secretsSet: readonly string[];
  formError: FormError | null;
}) {
  const isSet = (path: string) => secretsSet.some((s) => s === path || s.startsWith(`${path}.`));
  return (
    <div class="engine-fields">
      {fields.map((field) => (
        <Field key={field.path} label={field.label} name={engineFieldName(field.path)} formError={formError} {...(field.hint ? { hint: field.hint } : {})}>
          <Control field={field} value={values[field.path] ?? ''} onInput={(v) => onChange(field.path, v)} credentials={credentials} secretSet={field.secret === true && isSet(field.path)} />
        </Field>
      ))}
      <Field label="Other fields (JSON)" name={engineFieldName(OTHER_FIELD)} formError={formError} hint="fields this form does not lay out, kept as they are">
        <textarea name={engineFieldName(OTHER_FIELD)} rows={2} value={values[OTHER_FIELD] ?? ''} onInput={(e) => onChange(OTHER_FIELD, e.currentTarget.value)} />
      </Field>
    </div>
  );
}
