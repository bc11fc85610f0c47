/**
 * Reading provider callbacks and call-placement answers: a form or JSON body as flat text fields,
 * and a string field of a JSON answer. Internal to the package.
 */
import type { ProviderCallbackRequest } from './call-control.ts';
import { ProviderConfigError } from './errors.ts';

/** Most fields kept from one callback. */
const MAX_FIELDS = 100;
/** Longest field value kept (longer ones are cut). */
const MAX_VALUE_CHARS = 1024;

/**
 * Every field of a callback as text: a JSON object body (scalars only), else a form body, then the
 * query string's fields under them. Throws `invalid_option` for a JSON body that is not an object.
 */
export function callbackFields(request: ProviderCallbackRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  const put = (name: string, value: string): void => {
    if (Object.keys(fields).length < MAX_FIELDS && !Object.hasOwn(fields, name)) fields[name] = value.slice(0, MAX_VALUE_CHARS);
  };
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  const body = request.body.trim();
  if (type.startsWith('application/json') || body.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (cause) {
      throw new ProviderConfigError('invalid_option', 'callback body is not valid JSON', { cause });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProviderConfigError('invalid_option', 'callback body is not a JSON object');
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') put(name, String(value));
    }
  } else {
    for (const [name, value] of new URLSearchParams(body)) put(name, value);
  }
  const q = request.url.indexOf('?');
  if (q >= 0) for (const [name, value] of new URLSearchParams(request.url.slice(q + 1))) if (name !== 's') put(name, value);
  return fields;
}

/** The first non-empty of `names` in `fields`. */
export function fieldOf(fields: Readonly<Record<string, string>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** A whole number of seconds from a field, `undefined` when absent or not a non-negative integer. */
export function secondsOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

/** The first non-empty string among `keys` of a JSON object answer, else `undefined`. */
export function jsonStringField(text: string, ...keys: string[]): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const key of keys) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value) && typeof value[0] === 'string' && value[0] !== '') return value[0];
  }
  return undefined;
}
