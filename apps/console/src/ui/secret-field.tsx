import { Field, type FormError } from './form.tsx';

/**
 * A write-only secret input (an API key, an auth token): it starts empty and the stored value is
 * never shown; when one is stored (`isSet`) the placeholder says that leaving it empty keeps it.
 */
export function SecretField({ label, name, value, isSet, formError, onInput }: { label: string; name: string; value: string; isSet: boolean; formError: FormError | null; onInput: (value: string) => void }) {
  return (
    <Field label={label} name={name} formError={formError} hint="write-only">
      <input name={name} type="password" autocomplete="off" value={value} placeholder={isSet ? 'set: leave empty to keep' : ''} onInput={(e) => onInput(e.currentTarget.value)} />
    </Field>
  );
}
