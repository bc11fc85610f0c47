// The embedded product serving https and wss itself (VR3_TLS_CERT_FILE / VR3_TLS_KEY_FILE): the REST
// API and a Cloudonix call over TLS, and a certificate renewal (SIGHUP) served to new connections
// while the call that was live goes on.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawEncode } from '@vr3/codec';
import { sine } from '@vr3/codec/testing';
import { writeSelfSignedCertificate, type SelfSignedCertificate } from '@vr3/env/testing';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { DOMAIN, finalRun, setupCloudonix, type Deployment } from '../harness/cloudonix.ts';
import { eventually, makeDataDir, ProductProcess } from '../harness/product.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let product: ProductProcess;
let api: FakeCloudonixApi;
let dir: string;
let a: SelfSignedCertificate;
let b: SelfSignedCertificate;
let files: { certFile: string; keyFile: string };

/** Puts `cert`'s pair at the product's configured paths, renaming new files over the old. */
function install(cert: SelfSignedCertificate): void {
  for (const [from, to] of [
    [cert.certFile, files.certFile],
    [cert.keyFile, files.keyFile],
  ] as const) {
    fs.copyFileSync(from, `${to}.new`);
    fs.renameSync(`${to}.new`, to);
  }
}

/** The REST API over https, trusting both test certificates, and wss stream URLs. */
function tlsDeployment(): Deployment & { baseUrl: string } {
  const ca = [a.cert, b.cert];
  const baseUrl = `https://localhost:${product.port}`;
  return {
    baseUrl,
    api: (method: string, urlPath: string, body?: unknown) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = https.request(
          `${baseUrl}/api/v1${urlPath}`,
          { method, ca, agent: false, headers: { authorization: `Bearer ${product.apiKey}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }) as never);
          },
        );
        req.on('error', reject);
        req.end(payload);
      }) as never,
    streamUrl: (agentUuid: string, query: Record<string, string>) => `wss://localhost:${product.port}/api/v1/agent-stream/${agentUuid}?${new URLSearchParams(query).toString()}`,
  };
}

/** The SHA-256 fingerprint of the certificate the product presents to a new connection. */
const servedFingerprint = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: product.port, servername: 'localhost', ca: [a.cert, b.cert] }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
  });

beforeAll(async () => {
  dir = makeDataDir();
  a = writeSelfSignedCertificate(dir, 'a');
  b = writeSelfSignedCertificate(dir, 'b');
  files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
  install(a);
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start({ env: { VR3_TLS_CERT_FILE: files.certFile, VR3_TLS_KEY_FILE: files.keyFile } });
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('embedded product with VR3_TLS_CERT_FILE / VR3_TLS_KEY_FILE', () => {
  it('serves the REST API over https and a call over wss; a renewed certificate (SIGHUP) reaches new connections while the live call goes on', async () => {
    expect(product.output.some((line) => line.includes('"tls certificate loaded"') && line.includes(a.fingerprint256))).toBe(true);
    expect(await servedFingerprint()).toBe(a.fingerprint256);
    // Plain http on the same port is not served.
    await expect(fetch(`http://127.0.0.1:${product.port}/healthz`)).rejects.toThrow();

    const deployment = tlsDeployment();
    const setup = await setupCloudonix(deployment, api, TOKEN);
    const session = `sess-${randomUUID()}`;
    api.addSession(DOMAIN, session);
    const callId = `call-${randomUUID().slice(0, 8)}`;
    const client = await CloudonixMediaClient.connect(
      deployment.streamUrl(setup.agentUuid, { provider: 'cloudonix', Domain: 'acme', callId, from: '+15555550100', to: '+15555550199' }),
      { ca: [a.cert, b.cert] },
    );
    client.sendConnected();
    client.sendStart({ streamSid: `MZ${randomUUID().replace(/-/g, '')}`, callSid: `CA${callId}`, session, accountSid: 'acme', from: '+15555550100', to: '+15555550199' });
    const run = await eventually(async () => {
      const list = await deployment.api('GET', `/runs?agent_uuid=${setup.agentUuid}&state=running&limit=10`);
      return (list.body.data as Array<{ id: string; gathered_context?: { call_id?: string } }>).find((r) => r.gathered_context?.call_id === callId);
    }, 5000);

    const mulaw = mulawEncode(sine(440, 8000, 400, 8000));
    const send = async (): Promise<void> => {
      for (let off = 0; off < mulaw.length; off += 160) {
        client.sendMedia(mulaw.subarray(off, off + 160));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await send();
    await expect.poll(() => client.receivedMedia().length, { timeout: 4000 }).toBeGreaterThanOrEqual(mulaw.length - 480);

    // Renewal: new files, then SIGHUP to the product.
    install(b);
    product.child.kill('SIGHUP');
    await expect.poll(servedFingerprint, { timeout: 5000 }).toBe(b.fingerprint256);
    expect(product.child.exitCode).toBeNull();
    // Logged right after the switch; the line may reach us a moment after the new certificate does.
    await expect.poll(() => product.output.some((line) => line.includes('"tls certificate reloaded"') && line.includes(b.fingerprint256)), { timeout: 2000 }).toBe(true);
    // The call opened before the renewal still streams both ways.
    const before = client.receivedMedia().length;
    await send();
    await expect.poll(() => client.receivedMedia().length - before, { timeout: 4000 }).toBeGreaterThanOrEqual(mulaw.length - 480);

    client.sendStop();
    expect((await client.waitForClose(5000)).code).toBe(1000);
    const final = await finalRun(deployment, run.id);
    expect(final).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
  });
});
