import {
  EngineConfigError,
  EngineConfigErrorCode,
  applySecretUpdate,
  joinSecrets,
  splitSecrets,
  type EngineCatalog,
  type EngineSecret,
  type ValidEngineConfig,
} from '@vr3/agent';
import { ApiError } from '../errors.ts';

type Json = Record<string, unknown>;

/** An engine configuration as an agent version stores it. */
export interface StoredEngine {
  /** The configuration without its secret fields: the `engine` column, shown over the API. */
  engine: Json;
  /** The secret values, to be sealed (see `sealEngineSecrets`). */
  secrets: EngineSecret[];
}

/** What an engine update is applied to: the current version's engine type and secrets. */
export interface EngineBase {
  type: string;
  secrets: readonly EngineSecret[];
}

/** The `type` of a stored or incoming configuration, if it has one. */
export function engineTypeOf(config: unknown): string | undefined {
  const type = typeof config === 'object' && config !== null ? (config as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : undefined;
}

/**
 * 400 `unknown_engine` / `invalid_engine_config` naming the first failing path under `engine`
 * (never a value: engine schemas name fields, and a secret may be the field that failed).
 */
function apiErrorOf(err: EngineConfigError): ApiError {
  if (err.code === EngineConfigErrorCode.UnknownEngine) return new ApiError('unknown_engine', err.message);
  const first = err.issues[0];
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : '';
  const where = first?.path ? `engine.${first.path}` : 'engine';
  return new ApiError('invalid_engine_config', `${where}: ${first?.message ?? 'invalid engine configuration'}${more}`);
}

/**
 * Validates an engine configuration from the API with the catalog and splits off its secrets.
 * With a `base` (the agent's current engine), secret fields the update leaves out keep their
 * stored values, `null` removes one, and a change of type forgets them all (`applySecretUpdate`).
 * Throws `ApiError` 400 `unknown_engine` or `invalid_engine_config`.
 */
export function prepareEngine(catalog: EngineCatalog, incoming: Readonly<Json>, base: EngineBase | null): StoredEngine {
  const type = engineTypeOf(incoming);
  const spec = type === undefined ? undefined : catalog.get(type);
  try {
    // Without a spec `parse` throws `unknown_engine`: `spec` is defined past it.
    const valid = catalog.parse(spec ? applySecretUpdate(spec, incoming, base) : incoming);
    const { config, secrets } = splitSecrets(spec!, valid);
    return { engine: config, secrets };
  } catch (err) {
    if (err instanceof EngineConfigError) throw apiErrorOf(err);
    throw err;
  }
}

/**
 * The full configuration of a stored engine (secrets joined back in, in memory only), validated
 * again with the catalog: an engine that was unregistered or whose schema changed since it was
 * stored throws `EngineConfigError`. Never log the result.
 */
export function resolveEngine(catalog: EngineCatalog, engine: unknown, secrets: readonly EngineSecret[]): ValidEngineConfig {
  const clear = typeof engine === 'object' && engine !== null && !Array.isArray(engine) ? (engine as Json) : {};
  return catalog.parse(joinSecrets(clear, secrets));
}
