import type { ComponentChildren } from 'preact';
import { errorText } from '../error-message.tsx';

/** A form's failed submission: the server's error and the field it names (null: the whole form). */
export interface FormError {
  error: unknown;
  field: string | null;
}

/** A labelled control; the server's error sits under it when it names `name`. */
export function Field({ label, name, formError, hint, children }: { label: string; name: string; formError: FormError | null; hint?: string; children: ComponentChildren }) {
  const mine = formError !== null && formError.field === name;
  return (
    <label class={mine ? 'field invalid' : 'field'} data-field={name}>
      <span>{label}</span>
      {children}
      {hint ? <small class="muted">{hint}</small> : null}
      {mine ? (
        <small class="field-error" role="alert" data-testid={`field-error-${name}`}>
          {errorText(formError.error)}
        </small>
      ) : null}
    </label>
  );
}

/** The error of a form that names no field of it. */
export function FormErrorLine({ formError }: { formError: FormError | null }) {
  if (formError === null || formError.field !== null) return null;
  return (
    <p class="error" role="alert" data-testid="error">
      {errorText(formError.error)}
    </p>
  );
}
