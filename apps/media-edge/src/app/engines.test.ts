import { bridgeEngineSpec } from '@vr3/engine-bridge';
import { echoEngineSpec } from '@vr3/engine-echo';
import { describe, expect, it } from 'vitest';
import { createProductEngines } from './engines.ts';

describe('createProductEngines', () => {
  it('registers every engine the product runs, each with its own spec', () => {
    const engines = createProductEngines();
    expect(engines.types).toEqual(['echo', 'bridge']);
    expect(engines.get('echo')!.spec).toBe(echoEngineSpec);
    expect(engines.get('bridge')!.spec).toBe(bridgeEngineSpec);
  });
});
