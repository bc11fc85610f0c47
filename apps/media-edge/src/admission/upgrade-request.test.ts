import { afterEach, describe, expect, it } from 'vitest';
import { CloudonixMediaClient } from '@vr3/providers/testing';
import { resolveMediaEdgeConfig } from '../config.ts';
import { DEFAULT_QUERY, startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';

let h: Harness | undefined;
const clients: CloudonixMediaClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(1000, '', 500).catch(() => undefined)));
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

/** Connects with `headers` and completes the handshake; resolves with the RunStart request. */
async function start(hn: Harness, headers: Record<string, string>) {
  const client = await CloudonixMediaClient.connect(hn.url(), { headers });
  clients.push(client);
  client.sendConnected();
  client.sendStart();
  await waitUntil(() => hn.cp.starts.length === 1);
  return hn.cp.starts[0]!;
}

describe('the upgrade request, forwarded with RunStart for a provider signature check', () => {
  it('with a public URL: the URL the provider requested (public base + path and query as received) and the signature header', async () => {
    const hn = await harness({ config: { publicUrl: 'wss://voice.example.com' } });
    const req = await start(hn, { 'X-Twilio-Signature': 'c2lnbmF0dXJl' });
    const path = new URL(hn.url()).pathname;
    expect(req.upgrade).toEqual({
      url: `wss://voice.example.com${path}?${new URLSearchParams(DEFAULT_QUERY).toString()}`,
      signature_headers: { 'x-twilio-signature': 'c2lnbmF0dXJl' },
    });
  });

  it('with a public URL and no signature header: the URL alone (the control-plane refuses a signing provider without it)', async () => {
    const hn = await harness({ config: { publicUrl: 'wss://voice.example.com:8443/' } });
    const req = await start(hn, {});
    expect(req.upgrade?.url).toMatch(/^wss:\/\/voice\.example\.com:8443\/api\/v1\/agent-stream\//);
    expect(req.upgrade?.signature_headers).toEqual({});
  });

  it('with a public URL given in its https form: the wss URL the provider opened', async () => {
    const hn = await harness({ config: { publicUrl: 'https://voice.example.com' } });
    const req = await start(hn, { 'X-Twilio-Signature': 'abc' });
    expect(req.upgrade?.url).toMatch(/^wss:\/\/voice\.example\.com\/api\/v1\/agent-stream\//);
  });

  it('without a public URL: the signature header only; neither: nothing', async () => {
    const hn = await harness();
    expect((await start(hn, { 'X-Twilio-Signature': 'abc' })).upgrade).toEqual({ signature_headers: { 'x-twilio-signature': 'abc' } });
    await hn.close();
    h = undefined;
    const plain = await harness();
    expect((await start(plain, {})).upgrade).toBeUndefined();
  });

  it('config: publicUrl is a base URL (scheme, host, port) or null', () => {
    expect(resolveMediaEdgeConfig().publicUrl).toBeNull();
    for (const ok of ['wss://voice.example.com', 'https://voice.example.com/', 'ws://127.0.0.1:8080']) expect(resolveMediaEdgeConfig({ publicUrl: ok }).publicUrl).toBe(ok);
    for (const bad of ['voice.example.com', 'wss://voice.example.com/api', 'wss://voice.example.com?x=1', 'ftp://voice.example.com', 'wss://u:p@voice.example.com']) {
      expect(() => resolveMediaEdgeConfig({ publicUrl: bad })).toThrow('publicUrl');
    }
  });
});
