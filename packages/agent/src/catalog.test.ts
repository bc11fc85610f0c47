import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineCatalog, EngineRegistry } from './catalog.ts';
import { defineEngineSpec, type Engine } from './engine.ts';
import { EngineConfigError, EngineError, failureEndReason } from './errors.ts';

const spec = defineEngineSpec({ type: 'a', configSchema: z.strictObject({ type: z.literal('a'), n: z.number().int() }), description: 'a' });

describe('engine catalog and registry', () => {
  it('validates by type and names failing paths, never values', () => {
    const catalog = new EngineCatalog([spec]);
    expect(catalog.parse({ type: 'a', n: 1 })).toEqual({ type: 'a', n: 1 });
    const err = (() => {
      try {
        catalog.parse({ type: 'a', n: 'secret-value' });
      } catch (e) {
        return e as EngineConfigError;
      }
    })();
    expect(err).toBeInstanceOf(EngineConfigError);
    expect(err?.code).toBe('invalid_engine_config');
    expect(err?.issues[0]?.path).toBe('n');
    expect(err?.message).not.toContain('secret-value');
    expect(() => catalog.parse({ type: 'b' })).toThrow(expect.objectContaining({ code: 'unknown_engine' }));
    expect(() => catalog.parse(null)).toThrow(expect.objectContaining({ code: 'unknown_engine' }));
  });

  it('refuses a type registered twice and derives the catalog from the registry', () => {
    const engine: Engine = { spec, createSession: () => { throw new Error('unused'); } };
    expect(() => new EngineCatalog([spec, spec])).toThrow(expect.objectContaining({ code: 'duplicate_engine' }));
    const registry = new EngineRegistry([engine]);
    expect(() => registry.register(engine)).toThrow(expect.objectContaining({ code: 'duplicate_engine' }));
    expect(registry.catalog().types).toEqual(['a']);
    expect(registry.get('a')).toBe(engine);
  });

  it('maps engine failures to end reasons', () => {
    expect(failureEndReason(new EngineError('agent_unreachable', 'x'))).toBe('agent_unreachable');
    expect(failureEndReason(new Error('x'))).toBe('agent_error');
  });
});
