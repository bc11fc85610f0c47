import { EngineConfigError, EngineConfigErrorCode } from './errors.ts';
import type { Engine, EngineSpec } from './engine.ts';

/** A configuration validated by its engine's schema. */
export interface ValidEngineConfig {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * The engine specs an app knows, by type: the control-plane validates agent configurations with it,
 * the media-edge composes sessions with the matching {@link EngineRegistry}. Built by the app from
 * the engine packages it registers; no global state.
 */
export class EngineCatalog {
  private readonly specs = new Map<string, EngineSpec>();

  constructor(specs: Iterable<EngineSpec> = []) {
    for (const spec of specs) this.register(spec);
  }

  /** Adds a spec; throws `EngineConfigError(duplicate_engine)` when its type is taken. */
  register(spec: EngineSpec): this {
    if (this.specs.has(spec.type)) throw new EngineConfigError(EngineConfigErrorCode.DuplicateEngine, `engine "${spec.type}" is registered twice`);
    this.specs.set(spec.type, spec);
    return this;
  }

  /** Registered types, in registration order. */
  get types(): string[] {
    return [...this.specs.keys()];
  }

  get(type: string): EngineSpec | undefined {
    return this.specs.get(type);
  }

  /**
   * Validates `raw` with the schema of the engine its `type` names. Throws `EngineConfigError`
   * (`unknown_engine`, `invalid_engine_config` with the failing paths; never the values).
   */
  parse(raw: unknown): ValidEngineConfig {
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const spec = typeof type === 'string' ? this.specs.get(type) : undefined;
    if (!spec) {
      const known = this.types.join(', ');
      throw new EngineConfigError(EngineConfigErrorCode.UnknownEngine, `engine.type must be one of: ${known}`, [{ path: 'type', message: `one of: ${known}` }]);
    }
    const result = spec.configSchema.safeParse(raw);
    if (!result.success) {
      const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      const first = issues[0];
      throw new EngineConfigError(EngineConfigErrorCode.InvalidConfig, `invalid ${spec.type} engine config${first ? `: ${first.path} ${first.message}` : ''}`, issues);
    }
    return result.data as ValidEngineConfig;
  }
}

/** The runnable engines of a media-edge, by type. */
export class EngineRegistry {
  private readonly engines = new Map<string, Engine>();

  constructor(engines: Iterable<Engine> = []) {
    for (const engine of engines) this.register(engine);
  }

  /** Adds an engine; throws `EngineConfigError(duplicate_engine)` when its type is taken. */
  register(engine: Engine): this {
    if (this.engines.has(engine.spec.type)) throw new EngineConfigError(EngineConfigErrorCode.DuplicateEngine, `engine "${engine.spec.type}" is registered twice`);
    this.engines.set(engine.spec.type, engine);
    return this;
  }

  get(type: string): Engine | undefined {
    return this.engines.get(type);
  }

  get types(): string[] {
    return [...this.engines.keys()];
  }

  /** The specs of the registered engines. */
  catalog(): EngineCatalog {
    return new EngineCatalog([...this.engines.values()].map((e) => e.spec));
  }
}
