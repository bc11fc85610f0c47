/**
 * Between an engine configuration (JSON) and its form's values (strings, one per field path):
 * what the form shows for a stored configuration, and the configuration a filled form sends.
 * Fields the form does not know travel as one JSON object (`OTHER_FIELD`), so nothing is lost.
 */
import type { EngineConfig } from '../types.ts';
import { NUMERIC_SELECTS, type EngineField } from './fields.ts';

/** The form's values, by field path; `OTHER_FIELD` holds the fields no entry covers, as JSON. */
export type EngineValues = Record<string, string>;

/** Path of the field with the configuration's fields the form does not know. */
export const OTHER_FIELD = 'other';

/** A value the browser cannot send (not JSON): the field it is in and why. */
export class EngineValueError extends Error {
  override readonly name = 'EngineValueError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function getPath(config: Json, path: string): unknown {
  let at: unknown = config;
  for (const key of path.split('.')) at = isObject(at) ? at[key] : undefined;
  return at;
}

function setPath(config: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = config;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(at[key])) at[key] = {};
    at = at[key] as Json;
  }
  at[keys[keys.length - 1]!] = value;
}

/** `config` without the paths of `fields` (and sections left empty by that), and without `type`. */
function remainderOf(config: Json, fields: readonly EngineField[]): Json {
  const copy = structuredClone(config);
  delete copy['type'];
  for (const { path } of fields) {
    const keys = path.split('.');
    const parent = keys.length === 1 ? copy : getPath(copy, keys.slice(0, -1).join('.'));
    if (isObject(parent)) delete parent[keys[keys.length - 1]!];
    if (keys.length > 1 && isObject(copy[keys[0]!]) && Object.keys(copy[keys[0]!] as Json).length === 0) delete copy[keys[0]!];
  }
  return copy;
}

/** The form's values for a stored configuration (null: an empty form). */
export function valuesOf(fields: readonly EngineField[], config: EngineConfig | null): EngineValues {
  const values: EngineValues = {};
  for (const field of fields) {
    const value = config ? getPath(config, field.path) : undefined;
    if (value === undefined || value === null) values[field.path] = '';
    else if (field.kind === 'json') values[field.path] = JSON.stringify(value, null, 2);
    else values[field.path] = String(value);
  }
  const other = config ? remainderOf(config, fields) : {};
  values[OTHER_FIELD] = Object.keys(other).length > 0 ? JSON.stringify(other, null, 2) : '';
  return values;
}

function parseJson(path: string, text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EngineValueError(path, 'is not valid JSON');
  }
  if (!isObject(value)) throw new EngineValueError(path, 'must be a JSON object');
  return value;
}

/**
 * The configuration of engine `type` the form's `values` describe: empty fields are left out
 * (the engine's default; a secret left empty keeps its stored value). Numbers are sent as numbers
 * when they read as one, else as typed, for the server to name the field. Throws
 * {@link EngineValueError} for a JSON field that is not a JSON object.
 */
export function configOf(type: string, fields: readonly EngineField[], values: EngineValues): EngineConfig {
  const other = values[OTHER_FIELD]?.trim() ? parseJson(OTHER_FIELD, values[OTHER_FIELD]) : {};
  const config: Json = { ...other, type };
  for (const field of fields) {
    const raw = values[field.path] ?? '';
    if (raw.trim() === '') continue;
    switch (field.kind) {
      case 'number': {
        const n = Number(raw);
        setPath(config, field.path, Number.isFinite(n) ? n : raw);
        break;
      }
      case 'boolean':
        setPath(config, field.path, raw === 'true');
        break;
      case 'json':
        setPath(config, field.path, parseJson(field.path, raw));
        break;
      case 'select': {
        const key = field.path.split('.').pop()!;
        setPath(config, field.path, NUMERIC_SELECTS.has(key) ? Number(raw) : raw);
        break;
      }
      case 'text':
      case 'textarea':
      case 'credential':
        setPath(config, field.path, raw);
        break;
    }
  }
  return config as EngineConfig;
}
