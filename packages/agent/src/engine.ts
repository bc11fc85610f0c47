import type { z } from 'zod';
import type { AgentSession, SessionContext } from './session.ts';

/**
 * What the control-plane needs to know of an engine: its `type`, the schema of its configuration
 * and which fields of it are secret. Runtime-free: importing a spec never loads the engine.
 */
export interface EngineSpec<C extends { type: string } = { type: string }> {
  readonly type: string;
  /** Validates the whole configuration, `type` included; unknown keys are refused. */
  readonly configSchema: z.ZodType<C>;
  /**
   * Secret fields as dot paths into the configuration; `*` stands for every key of an object
   * (`headers.*`: every header value). Their values are encrypted at rest, write-only over the API,
   * and reach the edge only in memory. Each must hold a string.
   */
  readonly secretFields: readonly string[];
  /** One line for docs and errors. */
  readonly description: string;
}

/** A runnable engine: its spec and a session factory. The media-edge holds one per registered type. */
export interface Engine<C extends { type: string } = { type: string }> {
  readonly spec: EngineSpec<C>;
  /** Creates the session of one call. May throw (the call then fails with `agent_error`). */
  createSession(ctx: SessionContext<C>): AgentSession;
}

/** Defines a spec with its config type inferred from the schema. */
export function defineEngineSpec<S extends z.ZodType<{ type: string }>>(spec: {
  type: string;
  configSchema: S;
  secretFields?: readonly string[];
  description: string;
}): EngineSpec<z.infer<S>> {
  return { type: spec.type, configSchema: spec.configSchema as unknown as z.ZodType<z.infer<S>>, secretFields: spec.secretFields ?? [], description: spec.description };
}
