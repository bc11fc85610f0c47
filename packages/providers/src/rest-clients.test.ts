import { afterEach, describe, expect, it } from 'vitest';
import type { CallRef, ProviderApiClient } from './api-client.ts';
import { ProviderApiError } from './errors.ts';
import { getProvider } from './registry.ts';
import { startFakeProviderApi } from './testing/fake-provider-api.ts';
import type { FakeProviderApi } from './testing/fake-provider-api.ts';
import { STAND_IN_ROUTES } from './testing/stand-in-registry.ts';

/** Builds the client of `api.provider` with the fake's credentials (or `secret` as the secret), as the control-plane does. */
function clientFor(api: FakeProviderApi, secret?: string): ProviderApiClient {
  const credentials = secret === undefined ? api.credentials : { ...api.credentials, [STAND_IN_ROUTES[api.provider].auth.secret]: secret };
  return getProvider(api.provider).telephony.createApiClient({ baseUrl: api.url, accountId: api.accountId, credentials, timeoutMs: 1000 });
}

const CALL_PATHS: Record<'exotel' | 'twilio' | 'vobiz' | 'plivo', (account: string, call: string) => string> = {
  exotel: (a, c) => `/v1/Accounts/${a}/Calls/${c}.json`,
  twilio: (a, c) => `/2010-04-01/Accounts/${a}/Calls/${c}.json`,
  vobiz: (a, c) => `/api/v1/Account/${a}/Call/${c}/`,
  plivo: (a, c) => `/v1/Account/${a}/Call/${c}/`,
};

let api: FakeProviderApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function rejection(p: Promise<unknown>): Promise<ProviderApiError> {
  const err = await p.then(() => expect.unreachable('expected a rejection'), (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderApiError);
  return err as ProviderApiError;
}

for (const provider of ['exotel', 'twilio', 'vobiz', 'plivo'] as const) {
  describe(`${provider} REST client against the fake ${provider} API`, () => {
    const start = async (): Promise<{ client: ProviderApiClient; ref: CallRef }> => {
      api = await startFakeProviderApi(provider);
      api.addCall('call-1');
      return { client: clientFor(api), ref: { accountId: api.accountId, callId: 'call-1' } };
    };

    it('validates a live call on the documented path, with the stored credentials', async () => {
      const { client, ref } = await start();
      await expect(client.validateCall(ref)).resolves.toBeUndefined();
      const req = api!.requests[0]!;
      expect(req.method).toBe('GET');
      const path = CALL_PATHS[provider](api!.accountId, 'call-1');
      expect(req.path).toBe(provider === 'vobiz' || provider === 'plivo' ? `${path}?status=live` : path);
      if (provider === 'vobiz') expect(req.headers).toMatchObject({ 'x-auth-id': api!.accountId, 'x-auth-token': api!.credentials.auth_token });
      else expect(req.headers.authorization).toMatch(/^Basic /);
    });

    it('refuses an unknown call, an ended call and wrong credentials, without leaking the secret', async () => {
      const { client, ref } = await start();
      expect(await rejection(client.validateCall({ ...ref, callId: 'nope' }))).toMatchObject({ code: 'provider_rejected', status: 404, retryable: false });
      api!.endCall('call-1');
      const ended = await rejection(client.validateCall(ref));
      expect(ended.code).toBe(provider === 'exotel' || provider === 'twilio' ? 'provider_call_not_live' : 'provider_rejected');
      api!.addCall('call-1');
      const wrong = await rejection(clientFor(api!, 'wrong-secret-123').validateCall(ref));
      expect(wrong).toMatchObject({ code: 'provider_rejected', status: 401 });
      expect(`${wrong.message} ${JSON.stringify(wrong)}`).not.toContain('wrong-secret-123');
    });

    it('treats a ringing call as not live and an outage as retryable', async () => {
      const { client, ref } = await start();
      api!.addCall('ringing-1', 'ringing');
      expect((await rejection(client.validateCall({ ...ref, callId: 'ringing-1' }))).retryable).toBe(false);
      api!.setResponse('GET', 503);
      expect(await rejection(client.validateCall(ref))).toMatchObject({ code: 'provider_unavailable', retryable: true });
    });

    it('hangs up (an already ended call counts as done)', async () => {
      const { client, ref } = await start();
      await client.hangup(ref);
      await client.hangup({ ...ref, callId: 'gone' });
      if (provider === 'exotel') {
        expect(api!.requests).toHaveLength(0); // closing the stream is Exotel's hangup
        return;
      }
      expect(api!.callStatus('call-1')).toBe(provider === 'twilio' ? 'completed' : undefined);
      const hangup = api!.requests[0]!;
      expect(hangup.method).toBe(provider === 'twilio' ? 'POST' : 'DELETE');
      if (provider === 'twilio') expect(hangup.body).toBe('Status=completed');
    });

    it('transfers to a URL (Twilio also takes TwiML)', async () => {
      const { client, ref } = await start();
      await client.transfer(ref, 'https://example.com/next.xml');
      if (provider === 'exotel') {
        expect(api!.requests).toHaveLength(0); // closing the stream hands the call to the next applet
        return;
      }
      expect(api!.transfers).toEqual([{ callId: 'call-1', target: 'https://example.com/next.xml' }]);
      if (provider === 'twilio') {
        await client.transfer(ref, '<Response><Dial>+15550001111</Dial></Response>');
        expect(api!.transfers[1]?.target).toBe('<Response><Dial>+15550001111</Dial></Response>');
      } else {
        expect(JSON.parse(api!.requests[0]!.body)).toEqual({ legs: 'aleg', aleg_url: 'https://example.com/next.xml', aleg_method: 'POST' });
        await expect(client.transfer(ref, '<Response/>')).rejects.toMatchObject({ code: 'invalid_option' });
      }
    });

    it('refuses empty credentials and call references at once', async () => {
      api = await startFakeProviderApi(provider);
      expect(() => clientFor(api!, '')).toThrow(expect.objectContaining({ code: 'missing_credentials' }));
      await expect(clientFor(api).validateCall({ accountId: api.accountId, callId: '' })).rejects.toMatchObject({ code: 'invalid_call_ref' });
    });
  });
}
