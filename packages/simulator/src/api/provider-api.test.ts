import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudonixApiClient, getProvider } from '@vr3/providers';
import { startProviderApi, type ProviderApi } from './provider-api.ts';

let api: ProviderApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const cloudonix = (a: ProviderApi, token = a.token) => createCloudonixApiClient({ baseUrl: a.url, bearerToken: token, timeoutMs: 2000 });

describe('provider REST stand-in', () => {
  it('validates, transfers and hangs up Cloudonix sessions the way the product client asks, recording each request', async () => {
    api = await startProviderApi();
    const client = cloudonix(api);
    const ref = { accountId: 'acme', callId: 'session-1' };
    await client.validateCall(ref);
    await client.transfer(ref, '<Response><Dial>+15550100</Dial></Response>');
    await expect(client.validateCall(ref)).rejects.toMatchObject({ code: 'provider_rejected' });
    await client.hangup({ accountId: 'acme', callId: 'session-2' });
    await client.hangup({ accountId: 'acme', callId: 'session-2' }); // already ended counts as success
    expect(api.requests.map((r) => [r.method, r.operation, r.account, r.call, r.status])).toEqual([
      ['GET', 'validate', 'acme.cloudonix.net', 'session-1', 200],
      ['POST', 'transfer', 'acme.cloudonix.net', 'session-1', 200],
      ['GET', 'validate', 'acme.cloudonix.net', 'session-1', 404],
      ['DELETE', 'hangup', 'acme.cloudonix.net', 'session-2', 204],
      ['DELETE', 'hangup', 'acme.cloudonix.net', 'session-2', 404],
    ]);
    expect(JSON.stringify(api.requests)).not.toContain(api.token);
  });

  it('refuses a wrong credential with 401', async () => {
    api = await startProviderApi({ token: 'right' });
    await expect(cloudonix(api, 'wrong').validateCall({ accountId: 'acme', callId: 's' })).rejects.toMatchObject({ code: 'provider_rejected' });
    expect(api.requests[0]).toMatchObject({ status: 401, authorized: false });
  });

  it('in strict mode knows only calls registered through /_sim/calls', async () => {
    api = await startProviderApi({ strict: true });
    const client = cloudonix(api);
    await expect(client.validateCall({ accountId: 'acme', callId: 'later' })).rejects.toMatchObject({ code: 'provider_rejected' });
    const res = await fetch(`${api.url}/_sim/calls`, { method: 'POST', body: JSON.stringify({ provider: 'cloudonix', account: 'acme', call: 'later' }) });
    expect(res.status).toBe(201);
    await client.validateCall({ accountId: 'acme.cloudonix.net', callId: 'later' });
    const listed = (await (await fetch(`${api.url}/_sim/requests`)).json()) as { requests: unknown[] };
    expect(listed.requests).toHaveLength(2);
  });

  it('serves the Twilio, Vobiz, Plivo and Exotel call routes with their auth schemes', async () => {
    api = await startProviderApi({ token: 'tok' });
    const basic = (user: string) => `Basic ${Buffer.from(`${user}:tok`).toString('base64')}`;
    const twilio = await fetch(`${api.url}/2010-04-01/Accounts/AC1/Calls/CA1.json`, {
      method: 'POST',
      headers: { authorization: basic('AC1'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Status=completed',
    });
    expect(twilio.status).toBe(200);
    const vobiz = await fetch(`${api.url}/api/v1/Account/MA1/Call/u1/`, { method: 'DELETE', headers: { 'x-auth-id': 'MA1', 'x-auth-token': 'tok' } });
    expect(vobiz.status).toBe(204);
    const plivo = await fetch(`${api.url}/v1/Account/MA2/Call/u2/?status=live`, { headers: { authorization: basic('MA2') } });
    expect(plivo.status).toBe(200);
    const exotel = await fetch(`${api.url}/v1/Accounts/ex1/Calls/c1.json`, { headers: { authorization: basic('key') } });
    expect(((await exotel.json()) as { Call: { Status: string } }).Call.Status).toBe('in-progress');
    expect(api.requests.map((r) => `${r.provider}:${r.operation}`)).toEqual(['twilio:hangup', 'vobiz:hangup', 'plivo:validate', 'exotel:validate']);
  });
});

describe('dial-back of placed calls', () => {
  it('a placed call to a busy number rings, then posts the provider status callbacks and is listed in dials', async () => {
    const received: Array<Record<string, string>> = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      api = await startProviderApi({ token: 'tok', dialBack: { outcome: (to) => (to === '+15550000486' ? 'busy' : 'answer'), ringMs: 1 } });
      const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
      const placed = await getProvider('twilio')!.placeCall!(
        { baseUrl: api.url, accountId: 'AC0123', credentials: { auth_token: 'tok' }, addressPolicy: 'any' },
        { to: '+15550000486', from: '+15550000100', streamUrl: 'ws://127.0.0.1:9/never', statusCallbackUrl: callbackUrl },
      );
      const dial = api.dials[0]!;
      await dial.done;
      expect(dial).toMatchObject({ provider: 'twilio', callId: placed.callId, outcome: 'busy' });
      expect(received.map((f) => [f['CallSid'], f['CallStatus']])).toEqual([
        [placed.callId, 'ringing'],
        [placed.callId, 'busy'],
      ]);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
