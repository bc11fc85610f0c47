import { ApiError } from '../api.ts';

/**
 * The field of a form a server error names, among `fields`: the API's messages start with the
 * field's path (`engine.stt.model: Invalid input`, `api_base_url must use https`). Null when the
 * error names none of them (it is then shown for the whole form).
 */
export function fieldOfError(err: unknown, fields: readonly string[]): string | null {
  if (!(err instanceof ApiError)) return null;
  const byLength = [...fields].sort((a, b) => b.length - a.length);
  return byLength.find((field) => err.message.startsWith(`${field}:`) || err.message.startsWith(`${field} `)) ?? null;
}
