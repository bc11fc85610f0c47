import { describe, expect, it } from 'vitest';
import { webhookSignature } from './signature.ts';

describe('webhookSignature', () => {
  it('is t=<unix seconds>,v1=<HMAC-SHA256 hex of "t.body">', () => {
    // Computed with `printf '%s' '1700000000.{"id":"d1"}' | openssl dgst -sha256 -hmac 'whsec_test_0123456789'`.
    expect(webhookSignature('whsec_test_0123456789', '{"id":"d1"}', 1_700_000_000.9)).toBe(
      't=1700000000,v1=6cb03ecad5f37511a5077c48e91b26e2b7770b372bdfdbf6b48c86bf2b588fd8',
    );
  });

  it('changes with the body, the time and the secret', () => {
    const base = webhookSignature('whsec_test_0123456789', '{"id":"d1"}', 1_700_000_000);
    expect(webhookSignature('whsec_test_0123456789', '{"id":"d2"}', 1_700_000_000)).not.toBe(base);
    expect(webhookSignature('whsec_test_0123456789', '{"id":"d1"}', 1_700_000_001).split(',v1=')[1]).not.toBe(base.split(',v1=')[1]);
    expect(webhookSignature('whsec_test_other_secret', '{"id":"d1"}', 1_700_000_000)).not.toBe(base);
  });
});
