import type { StartEvent } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import type { StreamAdapter } from './adapter.ts';
import { ProviderConfigError, ProviderFrameError } from './errors.ts';
import type { BindingFixture } from './fixture-types.ts';
import { PROVIDER_DESCRIPTORS } from './registry.ts';
import { resolveProviderSettings } from './settings.ts';
import { PROVIDER_FIXTURES } from './testing/provider-fixtures.ts';

for (const descriptor of PROVIDER_DESCRIPTORS) {
  const fixtures = PROVIDER_FIXTURES[descriptor.name];

  /** A fresh adapter bound to `b.start` with `b.settings`. */
  const bind = (b: BindingFixture): StreamAdapter => {
    const adapter = descriptor.createStreamAdapter(b.adapterOptions);
    const start = adapter.parse(b.start, false);
    expect(start?.type).toBe('start');
    adapter.bind(start as StartEvent, b.settings === undefined ? undefined : resolveProviderSettings(descriptor, b.settings));
    return adapter;
  };

  describe(`${descriptor.name} conformance`, () => {
    it('descriptor and adapter agree on name and handshake', () => {
      const adapter = descriptor.createStreamAdapter();
      expect(descriptor.handshake).toBe(fixtures.handshake);
      expect(adapter.handshake).toBe(fixtures.handshake);
      expect(adapter.provider).toBe(descriptor.name);
      expect(adapter.clearAck).toBe(descriptor.handshake === 'start-first' ? 'cleared-event' : 'marks-echoed');
    });

    it('creates a fresh adapter per call', () => {
      expect(descriptor.createStreamAdapter()).not.toBe(descriptor.createStreamAdapter());
    });

    describe('inbound', () => {
      for (const fx of fixtures.inbound) {
        it(`${fx.name} [${fx.source}]`, () => {
          const adapter = descriptor.createStreamAdapter(fx.adapterOptions);
          const run = (): unknown => adapter.parse(fx.frame, fx.isBinary ?? false);
          if ('error' in fx.expect) {
            const code = fx.expect.error;
            expect(run).toThrow(ProviderFrameError);
            expect(run).toThrow(expect.objectContaining({ code, retryable: false }));
            // The same frame as a Buffer fails the same way.
            if (typeof fx.frame === 'string' && !(fx.isBinary ?? false)) {
              expect(() => adapter.parse(Buffer.from(fx.frame as string), false)).toThrow(expect.objectContaining({ code, retryable: false }));
            }
          } else {
            expect(run()).toStrictEqual(fx.expect.event);
            // The same frame as a Buffer parses identically.
            if (typeof fx.frame === 'string') expect(adapter.parse(Buffer.from(fx.frame), false)).toStrictEqual(fx.expect.event);
          }
        });
      }
    });

    for (const b of fixtures.bindings) {
      describe(`bound: ${b.name}`, () => {
        const expected = b.expect;
        if ('error' in expected) {
          it('refuses the settings', () => {
            expect(() => bind(b)).toThrow(ProviderConfigError);
            expect(() => bind(b)).toThrow(expect.objectContaining({ code: expected.error }));
          });
          return;
        }

        it('negotiates the formats and framing', () => {
          const adapter = bind(b);
          expect(adapter.inboundFormat()).toEqual(expected.inbound);
          expect(adapter.outboundFormat()).toEqual(expected.outbound);
          expect(adapter.outboundFraming()).toEqual(expected.framing);
          expect(adapter.outboundFraming().chunkBytes % (expected.outbound.encoding.startsWith('pcm16') ? 2 : 1)).toBe(0);
        });

        for (const fx of b.outbound ?? []) {
          it(`${fx.name} serializes`, () => {
            const f = fx.frame;
            const adapter = bind(b);
            const text = f.kind === 'media' ? adapter.media(f.payload) : f.kind === 'mark' ? adapter.mark(f.name) : adapter.clear();
            expect(JSON.parse(text)).toEqual(fx.expected);
            expect(text).toBe(JSON.stringify(fx.expected));
            // The bytes form, where an adapter has one, is exactly the same frame.
            if (f.kind === 'media' && adapter.mediaBytes) expect(adapter.mediaBytes(f.payload).toString('utf8')).toBe(text);
          });
        }
      });
    }

    it('refuses outbound frames before bind', () => {
      const adapter = descriptor.createStreamAdapter();
      const bytes = adapter.mediaBytes?.bind(adapter);
      for (const build of [() => adapter.media(Buffer.alloc(1)), () => adapter.mark('m'), () => adapter.clear(), ...(bytes ? [() => bytes(Buffer.alloc(1))] : [])]) {
        expect(build).toThrow(expect.objectContaining({ code: 'adapter_not_bound' }));
      }
    });

    it('refuses unknown settings and values', () => {
      expect(() => resolveProviderSettings(descriptor, { no_such_setting: 'x' })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
      for (const spec of descriptor.settings) {
        expect(spec.values).toContain(spec.default);
        expect(() => resolveProviderSettings(descriptor, { [spec.key]: 'not-a-value' })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
        expect(resolveProviderSettings(descriptor, { [spec.key]: spec.default })).toEqual({ [spec.key]: spec.default });
      }
    });
  });
}
