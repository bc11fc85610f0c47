import { afterEach, describe, expect, it } from 'vitest';
import { ProviderApiError } from '../errors.ts';
import { PROVIDER_DESCRIPTORS } from '../registry.ts';
import { startProviderStandIn, type ProviderStandIn } from './provider-stand-in.ts';
import { STAND_IN_ROUTES } from './stand-in-registry.ts';

let standIn: ProviderStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const TARGET = { cloudonix: '<Response><Hangup/></Response>' } as Record<string, string>;

describe('provider REST stand-in', () => {
  for (const descriptor of PROVIDER_DESCRIPTORS) {
    const routes = STAND_IN_ROUTES[descriptor.name];
    it(`${descriptor.name}: serves the product's own REST client from the provider folder's routes`, async () => {
      standIn = await startProviderStandIn();
      const client = (credentials = routes.testCredentials) =>
        descriptor.telephony.createApiClient({ baseUrl: standIn!.url, accountId: descriptor.telephony.normalizeAccount(routes.testAccount), credentials, timeoutMs: 2000 });
      const ref = { accountId: descriptor.telephony.normalizeAccount(routes.testAccount), callId: 'call-1' };

      await expect(client().validateCall(ref)).rejects.toBeInstanceOf(ProviderApiError); // not added yet
      standIn.addCall(descriptor.name, routes.testAccount, 'call-1');
      await client().validateCall(ref);
      expect(standIn.records.at(-1)).toMatchObject({ provider: descriptor.name, operation: 'validate', call: 'call-1', authorized: true, status: 200 });

      const wrong = { ...routes.testCredentials, [routes.auth.secret]: 'wrong' };
      await expect(client(wrong).validateCall(ref)).rejects.toMatchObject({ code: 'provider_rejected', status: 401 });

      if (descriptor.telephony.transferTarget === 'required') {
        await client().transfer(ref, TARGET[descriptor.name] ?? 'https://example.com/next.xml');
        expect(standIn.transfers.at(-1)).toMatchObject({ provider: descriptor.name, callId: 'call-1' });
      }
      const before = standIn.records.length;
      await client().hangup(ref);
      if (standIn.records.length > before) {
        expect(standIn.records.at(-1)).toMatchObject({ operation: 'hangup', authorized: true });
        await expect(client().validateCall(ref)).rejects.toBeInstanceOf(ProviderApiError);
        expect(standIn.callStatus(descriptor.name, routes.testAccount, 'call-1')).toBe(routes.endedStatus ?? undefined);
      }
    });
  }

  it('with one token accepts any account, keeps unknown calls live and ends a call on transfer when asked', async () => {
    standIn = await startProviderStandIn({ auth: { token: 'tok' }, unknownCallsLive: true, transferEndsCall: true, recordRequests: false });
    const twilio = PROVIDER_DESCRIPTORS.find((d) => d.name === 'twilio')!;
    const client = twilio.telephony.createApiClient({ baseUrl: standIn.url, accountId: 'AC-any', credentials: { auth_token: 'tok' }, timeoutMs: 2000 });
    const ref = { accountId: 'AC-any', callId: 'CA9' };
    await client.validateCall(ref);
    await client.transfer(ref, 'https://example.com/next.xml');
    await expect(client.validateCall(ref)).rejects.toMatchObject({ code: 'provider_call_not_live' });
    expect(standIn.callStatus('twilio', 'AC-any', 'CA9')).toBe('completed');
    expect(standIn.requests).toEqual([]);
    expect(standIn.records.map((r) => [r.operation, r.status])).toEqual([
      ['validate', 200],
      ['transfer', 200],
      ['validate', 200],
    ]);
  });

  it('answers 405 for a known path with another method, 404 elsewhere, and records both', async () => {
    standIn = await startProviderStandIn({ providers: ['vobiz'] });
    expect((await fetch(`${standIn.url}/api/v1/Account/MA/Call/c/`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${standIn.url}/v1/Account/MA/Call/c/`)).status).toBe(404); // Plivo's path, not served
    expect(standIn.records.map((r) => [r.provider, r.status])).toEqual([
      ['vobiz', 405],
      [null, 404],
    ]);
  });
});
