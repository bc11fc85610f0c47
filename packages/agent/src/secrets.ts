import type { EngineSpec } from './engine.ts';

/** One secret value of an engine configuration, at its concrete path (`['headers', 'Authorization']`). */
export interface EngineSecret {
  readonly path: readonly string[];
  readonly value: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Concrete paths in `config` matching the spec's secret patterns, with whatever value sits there. */
function matches(spec: EngineSpec, config: unknown): Array<{ path: string[]; value: unknown }> {
  const found: Array<{ path: string[]; value: unknown }> = [];
  const walk = (node: unknown, pattern: readonly string[], path: string[]): void => {
    if (pattern.length === 0) {
      found.push({ path, value: node });
      return;
    }
    if (!isObject(node)) return;
    const [head, ...rest] = pattern as [string, ...string[]];
    const keys = head === '*' ? Object.keys(node) : Object.hasOwn(node, head) ? [head] : [];
    for (const key of keys) walk(node[key], rest, [...path, key]);
  };
  for (const field of spec.secretFields) walk(config, field.split('.'), []);
  return found;
}

function deepClone<T>(value: T): T {
  return structuredClone(value);
}

function deleteAt(root: Json, path: readonly string[]): void {
  const parents: Json[] = [root];
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node)) return;
    node = node[key];
    if (isObject(node)) parents.push(node);
  }
  if (!isObject(node)) return;
  delete node[path[path.length - 1]!];
  // Drop objects the removal left empty (a `headers` map of secrets only).
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]!).length > 0) break;
    delete parents[i - 1]![path[i - 1]!];
  }
}

function setAt(root: Json, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Splits a validated configuration into what may be stored and shown in clear and its secret
 * values (to be encrypted). Secret fields are removed from the returned `config`.
 */
export function splitSecrets(spec: EngineSpec, config: Readonly<Json>): { config: Json; secrets: EngineSecret[] } {
  const clear = deepClone(config) as Json;
  const secrets: EngineSecret[] = [];
  for (const { path, value } of matches(spec, config)) {
    if (typeof value === 'string') secrets.push({ path, value });
    deleteAt(clear, path);
  }
  return { config: clear, secrets };
}

/** The full configuration: `config` with each secret put back at its path. */
export function joinSecrets(config: Readonly<Json>, secrets: readonly EngineSecret[]): Json {
  const full = deepClone(config) as Json;
  for (const s of secrets) setAt(full, s.path, s.value);
  return full;
}

/** Dot-joined paths of the secrets that are set (what an API response may say about them). */
export function secretPaths(secrets: readonly EngineSecret[]): string[] {
  return secrets.map((s) => s.path.join('.'));
}

/**
 * The configuration an update means, before validation. Secret values are write-only, so a client
 * cannot send back what it cannot read: a secret field the update leaves out keeps its stored value
 * (when the engine type is unchanged), and a secret field sent as `null` is removed.
 */
export function applySecretUpdate(spec: EngineSpec, incoming: Readonly<Json>, previous: { type: string; secrets: readonly EngineSecret[] } | null): Json {
  const next = deepClone(incoming) as Json;
  const removed = new Set<string>();
  for (const { path, value } of matches(spec, incoming)) {
    if (value === null) {
      removed.add(JSON.stringify(path));
      deleteAt(next, path);
    }
  }
  if (previous === null || previous.type !== incoming.type) return next;
  const present = new Set(matches(spec, next).map((m) => JSON.stringify(m.path)));
  for (const s of previous.secrets) {
    const key = JSON.stringify(s.path);
    if (!removed.has(key) && !present.has(key)) setAt(next, s.path, s.value);
  }
  return next;
}
