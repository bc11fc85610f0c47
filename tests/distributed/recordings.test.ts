// Call recordings in distributed mode (docs/recordings.md): the media-edge stores each recorded
// call's WAV in an S3-compatible bucket (a real S3 wire-protocol server on 127.0.0.1), the
// control-plane serves it from there with ranges, and a recording whose upload failed stays in the
// edge's spool directory until an edge on it starts again and stores it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawEncode, readWav } from '@vr3/codec';
import { dominantFrequency, sine } from '@vr3/codec/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { S3RecordingStore } from '@vr3/recordings';
import { startTestS3Server, type TestS3Server } from '@vr3/recordings/testing';
import { finalRun, setupCloudonix, startCall, type CloudonixSetup, type LiveCall } from '../harness/cloudonix.ts';
import { DistributedStack } from '../harness/distributed.ts';
import { eventually } from '../harness/product.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let stack: DistributedStack;
let api: FakeCloudonixApi;
let s3: TestS3Server;
let s3Dir: string;
let spoolDir: string;
let setup: CloudonixSetup;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bucket settings, the same on the control-plane and the edges. */
const s3Env = (): Record<string, string> => ({
  VR3_RECORDINGS_S3_ENDPOINT: s3.endpoint,
  VR3_RECORDINGS_S3_BUCKET: s3.bucket,
  VR3_RECORDINGS_S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
  VR3_RECORDINGS_S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
  VR3_RECORDINGS_S3_FORCE_PATH_STYLE: 'true',
  VR3_RECORDINGS_S3_PREFIX: 'calls/',
});

beforeAll(async () => {
  s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-s3-data-'));
  spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-edge-spool-'));
  [api, s3] = await Promise.all([startFakeCloudonixApi({ bearerToken: TOKEN }), startTestS3Server({ dir: s3Dir })]);
  stack = await DistributedStack.start({ controlPlanes: 1, edges: 1, controlPlaneEnv: s3Env(), edgeEnv: { ...s3Env(), VR3_RECORDINGS_SPOOL_DIR: spoolDir } });
  setup = await setupCloudonix(stack.via(stack.edges[0]!), api, TOKEN);
  expect((await stack.api('PATCH', `/agents/${setup.agentUuid}`, { recording: { enabled: true } })).body.recording).toEqual({ enabled: true });
});

afterAll(async () => {
  await stack?.stop();
  await Promise.allSettled([api?.close(), s3?.close()]);
  fs.rmSync(s3Dir, { recursive: true, force: true });
  fs.rmSync(spoolDir, { recursive: true, force: true });
});

/** Sends `ms` of a `hz` tone, paced, then hangs up. */
async function talkAndHangUp(call: LiveCall, hz: number, ms: number): Promise<void> {
  const mulaw = mulawEncode(sine(hz, 8000, ms, 8000));
  for (let off = 0; off < mulaw.length; off += 160) {
    call.client.sendMedia(mulaw.subarray(off, off + 160));
    await sleep(20);
  }
  await sleep(300);
  call.client.sendStop();
  await call.client.waitForClose(5000);
}

/** The recording's left channel's dominant frequency. */
function callerHz(wav: Buffer): number {
  const { samples, channels } = readWav(wav);
  const left = new Int16Array(samples!.length / channels);
  for (let i = 0; i < left.length; i++) left[i] = samples![i * channels]!;
  const start = left.findIndex((v) => Math.abs(v) > 2000);
  return dominantFrequency(left.subarray(start + 400, start + 3600), 8000);
}

describe('recordings in distributed mode (S3-compatible bucket)', () => {
  it('are uploaded by the edge to the bucket and served by the control-plane from it, with ranges', async () => {
    const call = await startCall(stack.via(stack.edges[0]!), api, setup);
    await talkAndHangUp(call, 440, 800);
    await finalRun(stack.via(stack.edges[0]!), call.runId);
    const run = await eventually(async () => {
      const res = await stack.api('GET', `/runs/${call.runId}`);
      return res.body.recording ? res.body : undefined;
    }, 10_000);
    expect(run.recording).toMatchObject({ channels: 2, sample_rate: 8000 });
    // In the bucket, under the prefix, over the S3 wire protocol.
    const bucket = new S3RecordingStore({ ...s3.settings, prefix: 'calls/' });
    expect(await bucket.size(`${call.runId}.wav`)).toBe(run.recording.bytes);

    const url = `${stack.controlPlane().baseUrl}/api/v1/runs/${call.runId}/recording`;
    const whole = await fetch(url, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(run.recording.bytes);
    expect(Math.abs(callerHz(bytes) - 440)).toBeLessThan(10);
    const part = await fetch(url, { headers: { authorization: `Bearer ${stack.apiKey}`, range: 'bytes=8-15' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 8-15/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe('WAVEfmt ');
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  });

  it('whose upload failed are kept by the draining edge and stored by the next edge on its spool dir', async () => {
    const port = Number(new URL(s3.endpoint).port);
    await s3.close(); // object storage down
    const call = await startCall(stack.via(stack.edges[0]!), api, setup);
    await talkAndHangUp(call, 660, 800);
    await finalRun(stack.via(stack.edges[0]!), call.runId);
    await eventually(async () => fs.readdirSync(spoolDir).includes(`${call.runId}.json`), 5_000);
    expect(await stack.edges[0]!.stop()).toBe(0); // drains: the upload still fails, the file stays
    expect(fs.readdirSync(spoolDir).sort()).toEqual([`${call.runId}.json`, `${call.runId}.wav`]);
    expect((await stack.api('GET', `/runs/${call.runId}`)).body.recording).toBeNull();

    s3 = await startTestS3Server({ dir: s3Dir, port }); // back, with the same objects
    const edge = await stack.startEdge();
    const run = await eventually(async () => {
      const res = await stack.api('GET', `/runs/${call.runId}`);
      return res.body.recording ? res.body : undefined;
    }, 15_000);
    const res = await fetch(`${stack.controlPlane().baseUrl}/api/v1/runs/${call.runId}/recording`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(run.recording.bytes);
    expect(Math.abs(callerHz(bytes) - 660)).toBeLessThan(10);
    expect(fs.readdirSync(spoolDir)).toEqual([]);
    expect(edge.log()).toContain('recordings left by a previous run taken up');
  });
});
