import { STREAM_PROVIDERS } from '@vr3/protocol';
import type { ProviderName, StartEvent } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import { cloudonixFixtures } from './cloudonix/fixtures.ts';
import { ProviderFrameError } from './errors.ts';
import type { ProviderFixtures } from './fixture-types.ts';
import { STREAM_PROVIDER_DESCRIPTORS, getStreamProvider } from './registry.ts';

/** Recorded fixtures per provider: every registered provider must have an entry. */
const FIXTURES: Partial<Record<ProviderName, ProviderFixtures>> = {
  cloudonix: cloudonixFixtures,
};

describe('provider registry', () => {
  it('registers exactly the providers @vr3/protocol lists as stream providers', () => {
    expect(STREAM_PROVIDER_DESCRIPTORS.map((d) => d.name).sort()).toEqual([...STREAM_PROVIDERS].sort());
  });

  it('has fixtures for every registered provider', () => {
    for (const d of STREAM_PROVIDER_DESCRIPTORS) expect(FIXTURES[d.name], d.name).toBeDefined();
  });

  it('finds providers by exact name only', () => {
    expect(getStreamProvider('cloudonix')?.name).toBe('cloudonix');
    for (const name of ['Cloudonix', 'twilio', 'exotel', '', 'constructor', '__proto__', 'toString']) {
      expect(getStreamProvider(name), name).toBeUndefined();
    }
  });
});

for (const descriptor of STREAM_PROVIDER_DESCRIPTORS) {
  const fixtures = FIXTURES[descriptor.name];
  if (fixtures === undefined) continue;

  describe(`${descriptor.name} conformance`, () => {
    it('descriptor and adapter agree on name and handshake', () => {
      const adapter = descriptor.createStreamAdapter();
      expect(descriptor.handshake).toBe(fixtures.handshake);
      expect(adapter.handshake).toBe(fixtures.handshake);
      expect(adapter.provider).toBe(descriptor.name);
    });

    it('creates a fresh adapter per call', () => {
      expect(descriptor.createStreamAdapter()).not.toBe(descriptor.createStreamAdapter());
    });

    describe('inbound', () => {
      for (const fx of fixtures.inbound) {
        it(`${fx.name} [${fx.source}]`, () => {
          const adapter = descriptor.createStreamAdapter();
          const run = (): unknown => adapter.parse(fx.frame, fx.isBinary ?? false);
          if ('error' in fx.expect) {
            const code = fx.expect.error;
            expect(run).toThrow(ProviderFrameError);
            expect(run).toThrow(expect.objectContaining({ code, retryable: false }));
          } else {
            expect(run()).toStrictEqual(fx.expect.event);
            // The same frame as a Buffer parses identically.
            if (typeof fx.frame === 'string') expect(adapter.parse(Buffer.from(fx.frame), false)).toStrictEqual(fx.expect.event);
          }
        });
      }
    });

    describe('outbound', () => {
      const bound = (): ReturnType<typeof descriptor.createStreamAdapter> => {
        const adapter = descriptor.createStreamAdapter();
        const start = adapter.parse(fixtures.bindWith, false);
        expect(start?.type).toBe('start');
        adapter.bind(start as StartEvent);
        return adapter;
      };

      for (const fx of fixtures.outbound) {
        it(`${fx.name} round-trips`, () => {
          const adapter = bound();
          const f = fx.frame;
          const text = f.kind === 'media' ? adapter.media(f.payload) : f.kind === 'mark' ? adapter.mark(f.name) : adapter.clear();
          expect(JSON.parse(text)).toEqual(fx.expected);
          expect(text).toBe(JSON.stringify(fx.expected));
        });
      }

      it('outbound format is the bound start format', () => {
        const adapter = descriptor.createStreamAdapter();
        const start = adapter.parse(fixtures.bindWith, false) as StartEvent;
        adapter.bind(start);
        expect(adapter.outboundFormat()).toEqual(start.mediaFormat);
      });

      it('refuses outbound frames before bind', () => {
        const adapter = descriptor.createStreamAdapter();
        for (const build of [() => adapter.media(Buffer.alloc(1)), () => adapter.mark('m'), () => adapter.clear()]) {
          expect(build).toThrow(expect.objectContaining({ code: 'adapter_not_bound' }));
        }
      });
    });
  });
}
