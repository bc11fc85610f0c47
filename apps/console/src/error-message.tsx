import { ApiError } from './api.ts';

/** What to show for a failed call: the server's own message, with its code. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : 'something went wrong';
}

/** An error line, announced to screen readers; nothing when `error` is null. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p class="error" role="alert" data-testid="error">
      {errorText(error)}
    </p>
  );
}
