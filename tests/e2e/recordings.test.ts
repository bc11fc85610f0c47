// Call recordings on the embedded product (docs/recordings.md): an agent that opted in gets a
// two-channel WAV of each call under the data dir, served to admins with range requests, deleted by
// the retention sweep, and stored when the product is stopped mid-call.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawEncode, readWav } from '@vr3/codec';
import { dominantFrequency, rms, sine } from '@vr3/codec/testing';
import { DEFAULT_BOOTSTRAP_EMAIL } from '@vr3/control-plane';
import { startTestPostgres, type TestPostgres } from '@vr3/control-plane/testing';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { eventually, ProductProcess } from '../harness/product.ts';
import { finalRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
const PASSWORD = `recordings-${randomUUID()}`;
const RATE = 8000;
let pgServer: TestPostgres;
let api: FakeCloudonixApi;
let databaseUrl: string;
let product: ProductProcess;
let setup: CloudonixSetup;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  [pgServer, api] = await Promise.all([startTestPostgres(), startFakeCloudonixApi({ bearerToken: TOKEN })]);
  databaseUrl = await pgServer.createDatabase({ migrate: false });
  product = await ProductProcess.start({
    env: {
      DATABASE_URL: databaseUrl,
      VR3_BOOTSTRAP_PASSWORD: PASSWORD,
      VR3_RECORDINGS_RETENTION_DAYS: '1',
      VR3_RECORDINGS_SWEEP_INTERVAL_MS: '300',
    },
  });
  setup = await setupCloudonix(product, api, TOKEN);
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
  await pgServer?.stop();
});

/** GET of a run's recording with optional headers and credentials (`key`: bearer API key; `cookie`: a session). */
async function download(runId: string, options: { key?: string | null; cookie?: string; range?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? product.apiKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.range) headers.range = options.range;
  return fetch(`${product.baseUrl}/api/v1/runs/${runId}/recording`, { headers });
}

/** The `error.code` of a JSON error answer. */
const errorCode = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

/** Index of the first sample whose magnitude passes `threshold`, -1 when none. */
const onset = (samples: Int16Array, threshold = 2000) => samples.findIndex((v) => Math.abs(v) > threshold);

/** Channel `c` of interleaved stereo. */
function channel(samples: Int16Array, c: number): Int16Array {
  const out = new Int16Array(samples.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = samples[2 * i + c]!;
  return out;
}

let recordedRunId: string;
let wavBytes: Buffer;

describe('an echo call of an agent that records calls', () => {
  it('is opted in per agent', async () => {
    const before = await product.api('GET', `/agents/${setup.agentUuid}`);
    expect(before.body.recording).toEqual({ enabled: false });
    const bad = await product.api('PATCH', `/agents/${setup.agentUuid}`, { recording: { enabled: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const on = await product.api('PATCH', `/agents/${setup.agentUuid}`, { recording: { enabled: true } });
    expect(on.status).toBe(200);
    expect(on.body.recording).toEqual({ enabled: true });
  });

  it('is stored as a two-channel WAV: the caller on the left, the echo the caller heard on the right, after it', async () => {
    const call = await startCall(product, api, setup);
    const tone = sine(440, RATE, 1000, 8000);
    const mulaw = mulawEncode(tone);
    // Sent on a fixed clock three frames ahead (a loop of sleep(20) drifts late, and an echo that
    // runs dry leaves gaps in the agent's channel, as a real caller's late audio would).
    const t0 = performance.now();
    for (let f = 0, off = 0; off < mulaw.length; f++, off += 160) {
      call.client.sendMedia(mulaw.subarray(off, off + 160));
      await sleep(Math.max(0, t0 + (f - 2) * 20 - performance.now()));
    }
    await expect.poll(() => call.client.receivedMedia().length, { timeout: 4000 }).toBeGreaterThanOrEqual(mulaw.length - 480);
    // Quiet caller audio while the last echo plays out.
    for (let i = 0; i < 15; i++) {
      call.client.sendMedia(Buffer.alloc(160, 0xff));
      await sleep(20);
    }
    call.client.sendStop();
    await call.client.waitForClose(5000);
    await finalRun(product, call.runId);
    const run = await eventually(async () => {
      const res = await product.api('GET', `/runs/${call.runId}`);
      return res.body.recording ? res.body : undefined;
    }, 10_000);
    expect(run.recording).toMatchObject({ url: `/api/v1/runs/${call.runId}/recording`, channels: 2, sample_rate: RATE });
    expect(run.recording.duration_ms).toBeGreaterThan(1200);
    expect(run.recording.duration_ms).toBeLessThan(3000);
    recordedRunId = call.runId;

    const res = await download(call.runId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    wavBytes = Buffer.from(await res.arrayBuffer());
    expect(wavBytes.length).toBe(run.recording.bytes);
    expect(Number(res.headers.get('content-length'))).toBe(wavBytes.length);
    // Stored under the data dir, as served.
    expect(fs.readFileSync(path.join(product.dataDir, 'recordings', `${call.runId}.wav`)).equals(wavBytes)).toBe(true);

    const wav = readWav(wavBytes);
    expect(wav).toMatchObject({ channels: 2, sampleRate: RATE, format: 'pcm16' });
    const left = channel(wav.samples!, 0);
    const right = channel(wav.samples!, 1);
    const leftStart = onset(left);
    const rightStart = onset(right);
    expect(leftStart).toBeGreaterThanOrEqual(0);
    // The echo was played after the caller spoke, within half a second.
    expect(rightStart).toBeGreaterThan(leftStart);
    expect(rightStart - leftStart).toBeLessThan(RATE / 2);
    const said = left.subarray(leftStart + 800, leftStart + 7200);
    const heard = right.subarray(rightStart + 800, rightStart + 7200);
    expect(Math.abs(dominantFrequency(said, RATE) - 440)).toBeLessThan(10);
    expect(Math.abs(dominantFrequency(heard, RATE) - 440)).toBeLessThan(10);
    expect(Math.abs(20 * Math.log10(rms(said) / rms(tone)))).toBeLessThan(1.5);
    expect(Math.abs(20 * Math.log10(rms(heard) / rms(tone)))).toBeLessThan(1.5);
    // About one second of tone in each channel: the echo is not doubled nor cut.
    const loud = (s: Int16Array) => s.filter((v) => Math.abs(v) > 2000).length;
    expect(loud(right) / loud(left)).toBeGreaterThan(0.9);
    expect(loud(right) / loud(left)).toBeLessThan(1.1);
  });

  it('is served in byte ranges (206), and a range past the end is 416', async () => {
    const size = wavBytes.length;
    const head = await download(recordedRunId, { range: 'bytes=0-43' });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-43/${size}`);
    expect(Buffer.from(await head.arrayBuffer()).equals(wavBytes.subarray(0, 44))).toBe(true);
    const tail = await download(recordedRunId, { range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(wavBytes.subarray(size - 100))).toBe(true);
    const past = await download(recordedRunId, { range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(await errorCode(past)).toBe('range_not_satisfiable');
  });

  it('is served to signed-in admins only: a session works, a member key is 403, no credentials 401', async () => {
    const signIn = await fetch(`${product.baseUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEFAULT_BOOTSTRAP_EMAIL, password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';', 1)[0]!;
    const viaSession = await download(recordedRunId, { key: null, cookie });
    expect(viaSession.status).toBe(200);
    expect(Buffer.from(await viaSession.arrayBuffer()).equals(wavBytes)).toBe(true);

    const member = await product.api('POST', '/api-keys', { name: 'viewer', role: 'member' });
    expect(member.status).toBe(201);
    const asMember = await download(recordedRunId, { key: member.body.key });
    expect(asMember.status).toBe(403);
    expect(await errorCode(asMember)).toBe('forbidden');
    const anonymous = await download(recordedRunId, { key: null });
    expect(anonymous.status).toBe(401);
  });

  it('is 404 for a run without a recording', async () => {
    const off = await product.api('PATCH', `/agents/${setup.agentUuid}`, { recording: { enabled: false } });
    expect(off.body.recording).toEqual({ enabled: false });
    const call = await startCall(product, api, setup);
    await sleep(300);
    call.client.sendStop();
    await call.client.waitForClose(5000);
    const run = await finalRun(product, call.runId);
    expect(run.recording).toBeNull();
    const res = await download(call.runId);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('recording_not_found');
    expect((await download(randomUUID())).status).toBe(404);
    await product.api('PATCH', `/agents/${setup.agentUuid}`, { recording: { enabled: true } });
  });

  it('is deleted by the retention sweep once older than VR3_RECORDINGS_RETENTION_DAYS', async () => {
    const file = path.join(product.dataDir, 'recordings', `${recordedRunId}.wav`);
    expect(fs.existsSync(file)).toBe(true);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE "workflow_runs" SET "recording_stored_at" = now() - interval '25 hours' WHERE "id" = $1`, [recordedRunId]);
    } finally {
      await db.end();
    }
    await eventually(async () => !fs.existsSync(file), 10_000);
    const run = await product.api('GET', `/runs/${recordedRunId}`);
    expect(run.body.recording).toBeNull();
    expect((await download(recordedRunId)).status).toBe(404);
  });

  it('of a call still live when the product stops is stored before it exits (drain)', async () => {
    const call = await startCall(product, api, setup);
    const mulaw = mulawEncode(sine(300, RATE, 600, 8000));
    // Sent on a fixed clock three frames ahead (a loop of sleep(20) drifts late, and an echo that
    // runs dry leaves gaps in the agent's channel, as a real caller's late audio would).
    const t0 = performance.now();
    for (let f = 0, off = 0; off < mulaw.length; f++, off += 160) {
      call.client.sendMedia(mulaw.subarray(off, off + 160));
      await sleep(Math.max(0, t0 + (f - 2) * 20 - performance.now()));
    }
    expect(await product.stop()).toBe(0);
    const file = path.join(product.dataDir, 'recordings', `${call.runId}.wav`);
    const wav = readWav(fs.readFileSync(file));
    expect(wav.channels).toBe(2);
    expect(Math.abs(dominantFrequency(channel(wav.samples!, 0).subarray(800, 4000), RATE) - 300)).toBeLessThan(10);
    expect(fs.readdirSync(path.join(product.dataDir, 'recordings-spool'))).toEqual([]);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT "recording_key", "recording_bytes" FROM "workflow_runs" WHERE "id" = $1`, [call.runId]);
      expect(rows[0]).toEqual({ recording_key: `${call.runId}.wav`, recording_bytes: String(fs.statSync(file).size) });
    } finally {
      await db.end();
    }
  });
});
