/**
 * `npm run bench -- --scenario voice`: what the voice pipeline adds, with vendors that answer at
 * once. The embedded product runs a `voice` agent whose STT, LLM and TTS are the OpenAI-compatible
 * stand-in (in this process, on the load core, timing its own handling of every request), and an
 * echo agent as the baseline.
 *
 * 1. Latency: calls that speak `speech-8k.wav` in real time, then silence until the agent's first
 *    audio, then hang up. Per turn, from the run's metric events: `first_audio_sent_ms` (measured
 *    by the product from its endpointing decision) minus the stand-in's own time in that turn.
 * 2. CPU per live call: N concurrent voice calls looping speech and silence (so turns happen), then
 *    N echo calls with the same audio; the product's process tree CPU (node + PostgreSQL) over a
 *    window, minus the idle tree, per call.
 *
 * Prints as it goes, writes bench/results/bench-<date>-voice.json and the `voice` block of
 * docs/benchmarks.md. Options: --quick · --calls N (CPU step) · --window MS (CPU window) · --no-pin · --no-docs.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { base64Frames, setupProduct, startProviderApi, wavToPcm } from '@vr3/simulator';
import { startOpenAiCompatibleStandIn, type RecordedVendorRequest } from '@vr3/vendors/testing';
import { gitCommit, productChanged } from './burst.ts';
import { writeDocsBlock } from './lib/docs.ts';
import { machineFacts } from './lib/machine.ts';
import { canPin, descendantPids, pinSelf, treeCpuSeconds } from './lib/processes.ts';
import { ROOT, startProduct, type BenchProduct } from './lib/product.ts';
import { FrameClock, VoiceCall, type FrameSource } from './lib/voice-call.ts';
import { renderVoiceResult, type CpuStep, type Spread, type VoiceBenchResult, type VoiceTurn } from './lib/voice-docs.ts';

/** Command-line values the scenario reads (strings as parsed by run.ts). */
export interface VoiceArgs {
  quick: boolean;
  calls?: string | undefined;
  window?: string | undefined;
  'no-pin'?: boolean | undefined;
  'no-docs'?: boolean | undefined;
}

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const ENDPOINTING_SILENCE_MS = 300;
const TARGET_P99_MS = 30;
const SPEECH_FILE = 'packages/vad/fixtures/speech-8k.wav';
/** Where speech ends in the file (packages/vad/fixtures/fixtures.json). */
const SPEECH_END_MS = 3102;
/** Silence after each utterance in the CPU phase. */
const CPU_SILENCE_MS = 2000;
const VENDOR_KEY = 'sk-bench-voice';
const log = (line: string): void => void process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the scenario; resolves with the exit code. */
export async function runVoiceScenario(args: VoiceArgs): Promise<number> {
  const quick = args.quick;
  const loadStart = os.loadavg();
  const pinned = !args['no-pin'] && canPin() && pinSelf(LOAD_CORE);
  const fixture = readFileSync(path.join(ROOT, SPEECH_FILE));
  const speech = base64Frames({ encoding: 'mulaw', sampleRate: 8000 }, wavToPcm(fixture, 8000));
  const silence = base64Frames({ encoding: 'mulaw', sampleRate: 8000 }, new Int16Array(160))[0]!;
  const settings: VoiceBenchResult['settings'] = {
    pinned,
    serverCore: pinned ? SERVER_CORE : null,
    loadCore: pinned ? LOAD_CORE : null,
    endpointingSilenceMs: ENDPOINTING_SILENCE_MS,
    speechFile: SPEECH_FILE,
    speechEndMs: SPEECH_END_MS,
    speechFileMs: speech.length * 20,
    latencyCalls: quick ? 12 : 40,
    latencyConcurrency: 4,
    warmupCalls: 3,
    cpuCalls: args.calls === undefined ? (quick ? 10 : 20) : Number(args.calls),
    cpuWindowMs: args.window === undefined ? (quick ? 8000 : 20_000) : Number(args.window),
    cpuCycleMs: speech.length * 20 + CPU_SILENCE_MS,
    targetP99Ms: TARGET_P99_MS,
  };
  log(`voice scenario: ${settings.latencyCalls} latency calls, ${settings.cpuCalls} calls × ${settings.cpuWindowMs / 1000} s for CPU; ${pinned ? `product on core ${SERVER_CORE}, load generator and stand-ins on core ${LOAD_CORE}` : 'not pinned'}`);
  log(`load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}${loadStart[0]! > 0.5 ? ' — WARNING: the machine is busy: numbers will be noisy' : ''}`);

  const tmpDir = path.join(ROOT, 'bench/tmp');
  mkdirSync(tmpDir, { recursive: true });
  let tag = 0;
  const vendor = await startOpenAiCompatibleStandIn({ apiKey: VENDOR_KEY, transcribe: () => `turn ${++tag}`, speech: { msPerChar: 20 } });
  const api = await startProviderApi({ maxRecords: 1000 });
  const clock = new FrameClock();
  let product: BenchProduct | null = null;
  const onSignal = (): void => void (product?.stop() ?? Promise.resolve()).finally(() => Promise.all([api.close(), vendor.close()])).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    log('starting the product (embedded)');
    product = await startProduct({ core: pinned ? SERVER_CORE : null, providerApiUrl: api.url, providerToken: api.token, logFile: path.join(tmpDir, 'product-voice.log'), echoRate: 8000 });
    const p = product;
    const credentialId = await createOpenAiCredential(p, vendor.url);
    const voice = await setupProduct({ productUrl: p.baseUrl, apiKey: p.apiKey, providerApiUrl: api.url, token: api.token, engine: voiceEngine(credentialId) });
    const echoUrl = p.streamUrl;
    const afterSpeech = (i: number): string => speech[i] ?? silence;

    // 1. Latency.
    log(`warm-up: ${settings.warmupCalls} voice calls (VAD model load, JIT)`);
    for (let i = 0; i < settings.warmupCalls; i++) await latencyCall(voice.streamUrl, clock, afterSpeech);
    const firstTag = tag + 1;
    const before = { requests: vendor.requests.length, connections: vendor.connections };
    log(`latency: ${settings.latencyCalls} calls, ${settings.latencyConcurrency} at a time`);
    const client: number[] = [];
    let failedCalls = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: settings.latencyConcurrency }, async (_, lane) => {
        await sleep(lane * 700);
        while (next < settings.latencyCalls) {
          next++;
          try {
            client.push(await latencyCall(voice.streamUrl, clock, afterSpeech));
          } catch (err) {
            failedCalls++;
            log(`  call failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }),
    );
    await sleep(1500);
    const turns = await readTurns(p, voice.agentUuid, vendor.requests, firstTag);
    const nums = (pick: (t: VoiceTurn) => number | null): number[] => turns.map(pick).filter((x): x is number => x !== null);
    const latency: VoiceBenchResult['latency'] = {
      turns,
      failedCalls,
      addedMs: spread(nums((t) => t.addedMs)),
      firstAudioSentMs: spread(nums((t) => t.firstAudioSentMs)),
      standInMs: spread(nums((t) => t.standInMs)),
      sttLatencyMs: spread(nums((t) => t.sttLatencyMs)),
      llmFirstTokenMs: spread(nums((t) => t.llmFirstTokenMs)),
      ttsFirstAudioMs: spread(nums((t) => t.ttsFirstAudioMs)),
      clientEndOfSpeechToAudioMs: spread(client),
      stagesMs: {
        stt: spread(nums((t) => t.sttLatencyMs)),
        llm: spread(nums((t) => diff(t.llmFirstTokenMs, t.sttLatencyMs))),
        tts: spread(nums((t) => diff(t.ttsFirstAudioMs, t.llmFirstTokenMs))),
        send: spread(nums((t) => diff(t.firstAudioSentMs, t.ttsFirstAudioMs))),
      },
      standInRequests: vendor.requests.length - before.requests,
      standInConnections: vendor.connections - before.connections,
      targetMet: null,
    };
    latency.targetMet = latency.addedMs.p99 === null ? null : latency.addedMs.p99 <= TARGET_P99_MS;
    const q = (s: Spread): string => `p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} max ${fmt(s.max)} (n=${s.n})`;
    log(`  added (first_audio_sent − stand-in): ${q(latency.addedMs)} ms → target p99 ≤ ${TARGET_P99_MS} ms ${latency.targetMet ? 'MET' : 'NOT MET'}`);
    log(`  first_audio_sent_ms ${q(latency.firstAudioSentMs)}; stand-in ${q(latency.standInMs)}`);
    log(`  stt ${q(latency.sttLatencyMs)}; llm first token ${q(latency.llmFirstTokenMs)}; tts first audio ${q(latency.ttsFirstAudioMs)}`);
    const st = latency.stagesMs;
    log(`  stages p50 / p99: stt ${fmt(st.stt.p50)} / ${fmt(st.stt.p99)}, chat ${fmt(st.llm.p50)} / ${fmt(st.llm.p99)}, tts ${fmt(st.tts.p50)} / ${fmt(st.tts.p99)}, send ${fmt(st.send.p50)} / ${fmt(st.send.p99)} ms`);
    log(`  client end of speech → first agent audio ${q(latency.clientEndOfSpeechToAudioMs)} ms; stand-in: ${latency.standInRequests} requests on ${latency.standInConnections} new connections`);

    // 2. CPU per live call.
    const tree = (): number => treeCpuSeconds([p.pid, ...descendantPids(p.pid)]);
    await sleep(2000);
    const idleMs = quick ? 3000 : 5000;
    const i0 = tree();
    await sleep(idleMs);
    const idleTreeCpuPercent = round(((tree() - i0) / (idleMs / 1000)) * 100, 2);
    log(`idle product tree: ${idleTreeCpuPercent} % of a core`);
    const cycleFrames = settings.cpuCycleMs / 20;
    const looping: FrameSource = (i) => speech[i % cycleFrames] ?? silence;
    const cpuStep = async (agent: 'voice' | 'echo', url: string): Promise<CpuStep> => {
      const n = settings.cpuCalls;
      log(`cpu: ${n} ${agent} calls, starts spread over one ${settings.cpuCycleMs} ms cycle, then ${settings.cpuWindowMs / 1000} s window`);
      const calls: VoiceCall[] = [];
      for (let i = 0; i < n; i++) {
        const c = await VoiceCall.open(url, looping);
        clock.add(c);
        calls.push(c);
        await sleep(settings.cpuCycleMs / n);
      }
      await sleep(1000);
      const t0 = vendor.requests.filter((r) => r.path === '/v1/audio/transcriptions').length;
      const c0 = tree();
      const w0 = performance.now();
      await sleep(settings.cpuWindowMs);
      const c1 = tree();
      const wallS = (performance.now() - w0) / 1000;
      const t1 = vendor.requests.filter((r) => r.path === '/v1/audio/transcriptions').length;
      const closedEarly = calls.filter((c) => c.closed).length;
      const silentCalls = calls.filter((c) => c.received === 0).length;
      for (const c of calls) clock.remove(c);
      await Promise.all(calls.map((c) => c.hangUp()));
      const treeCpuPercent = ((c1 - c0) / wallS) * 100;
      const step: CpuStep = {
        agent,
        calls: n,
        windowMs: settings.cpuWindowMs,
        treeCpuPercent: round(treeCpuPercent, 1),
        perCallPercent: round((treeCpuPercent - idleTreeCpuPercent) / n, 3),
        turnsInWindow: agent === 'voice' ? t1 - t0 : null,
        closedEarly,
        silentCalls,
      };
      log(`  ${agent}: tree ${step.treeCpuPercent} % of a core, ${step.perCallPercent} % per call${step.turnsInWindow === null ? '' : `, ${step.turnsInWindow} turns`}; closed early ${closedEarly}, without agent audio ${silentCalls}`);
      await sleep(3000);
      return step;
    };
    const voiceStep = await cpuStep('voice', voice.streamUrl);
    const echoStep = await cpuStep('echo', echoUrl);
    const perCore = (pc: number): number | null => (pc > 0 ? round(100 / pc, 0) : null);
    const cpu: VoiceBenchResult['cpu'] = {
      idleTreeCpuPercent,
      voice: voiceStep,
      echo: echoStep,
      voicePipelinePerCallPercent: round(voiceStep.perCallPercent - echoStep.perCallPercent, 3),
      callsPerCoreVoice: perCore(voiceStep.perCallPercent),
      callsPerCoreEcho: perCore(echoStep.perCallPercent),
    };
    log(`  per call: voice ${voiceStep.perCallPercent} %, echo ${echoStep.perCallPercent} %, voice pipeline's own ${cpu.voicePipelinePerCallPercent} %; calls per core: voice ${cpu.callsPerCoreVoice ?? '—'}, echo ${cpu.callsPerCoreEcho ?? '—'}`);

    const date = new Date().toISOString();
    const result: VoiceBenchResult = { schema: 1, scenario: 'voice', date, quick, commit: gitCommit(), uncommittedChanges: productChanged(), machine: machineFacts(loadStart), settings, latency, cpu };
    const file = path.join('bench/results', `bench-${date.replace(/[:.]/g, '-')}-voice${quick ? '-quick' : ''}.json`);
    writeFileSync(path.join(ROOT, file), `${JSON.stringify(result, null, 2)}\n`);
    log(`result: ${file}`);
    const body = renderVoiceResult(result, file);
    if (!args['no-docs']) {
      writeDocsBlock(path.join(ROOT, 'docs/benchmarks.md'), 'voice', body);
      log('docs/benchmarks.md updated');
    }
    process.stdout.write(`\n${body}\n`);
    return 0;
  } finally {
    clock.close();
    await product?.stop();
    await Promise.all([api.close(), vendor.close()]);
    process.off('SIGINT', onSignal);
  }
}

/** One latency call: speech, silence until the agent's first audio, hang up; ms from the end of speech in the audio to that audio. */
async function latencyCall(url: string, clock: FrameClock, source: FrameSource): Promise<number> {
  const call = await VoiceCall.open(url, source);
  clock.add(call);
  try {
    const at = await call.firstAudio(15_000);
    return round(at - call.startedAt - SPEECH_END_MS, 1);
  } finally {
    clock.remove(call);
    await call.hangUp();
  }
}

/** The measured turns: each run of the voice agent whose caller line is a tag from `firstTag` on, with its metrics and the stand-in's time. */
async function readTurns(p: BenchProduct, agentUuid: string, requests: readonly RecordedVendorRequest[], firstTag: number): Promise<VoiceTurn[]> {
  const runs = (await apiGet(p, `/runs?agent_uuid=${agentUuid}&limit=100`)) as { data: Array<{ id: string }> };
  const transcriptions = requests.filter((r) => r.path === '/v1/audio/transcriptions');
  const turns: VoiceTurn[] = [];
  for (const run of runs.data) {
    const events = ((await apiGet(p, `/runs/${run.id}/events?limit=100`)) as { data: Array<{ type: string; data: Record<string, unknown> }> }).data;
    const caller = events.find((e) => e.type === 'transcript' && e.data.role === 'caller');
    const m = /^turn (\d+)$/.exec(String(caller?.data.text ?? ''));
    if (!m || Number(m[1]) < firstTag) continue;
    const k = Number(m[1]);
    const metric = (name: string): number | null => {
      const e = events.find((x) => x.type === 'metric' && x.data.name === name);
      return typeof e?.data.value === 'number' ? e.data.value : null;
    };
    const word = new RegExp(`\\bturn ${k}\\b`);
    const stt = transcriptions[k - 1];
    const chat = requests.find((r) => r.path === '/v1/chat/completions' && word.test(lastUser(r.body)));
    const tts = requests.find((r) => r.path === '/v1/audio/speech' && word.test(String((r.body as { input?: unknown }).input ?? '')));
    const own = (r: RecordedVendorRequest | undefined, until: 'first' | 'end'): number | null => {
      const t = until === 'first' ? r?.firstByteAt : r?.finishedAt;
      return r === undefined || t === undefined ? null : t - r.receivedAt;
    };
    const parts = [own(stt, 'end'), own(chat, 'end'), own(tts, 'first')];
    const standInMs = parts.every((x) => x !== null) ? round(parts.reduce((a, b) => a! + b!, 0)!, 3) : null;
    const firstAudioSentMs = metric('first_audio_sent_ms');
    turns.push({
      tag: `turn ${k}`,
      runId: run.id,
      sttLatencyMs: metric('stt_latency_ms'),
      llmFirstTokenMs: metric('llm_first_token_ms'),
      ttsFirstAudioMs: metric('tts_first_audio_ms'),
      firstAudioSentMs,
      standInMs,
      addedMs: firstAudioSentMs === null || standInMs === null ? null : round(firstAudioSentMs - standInMs, 2),
    });
  }
  return turns;
}

function lastUser(body: unknown): string {
  const messages = (body as { messages?: Array<{ role?: string; content?: unknown }> }).messages ?? [];
  const last = [...messages].reverse().find((x) => x.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

async function apiGet(p: BenchProduct, urlPath: string): Promise<unknown> {
  const res = await fetch(`${p.baseUrl}/api/v1${urlPath}`, { headers: { authorization: `Bearer ${p.apiKey}` } });
  if (res.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${res.status}`);
  return res.json();
}

/** An `openai` service credential pointing at the stand-in; its id. */
async function createOpenAiCredential(p: BenchProduct, baseUrl: string): Promise<string> {
  const res = await fetch(`${p.baseUrl}/api/v1/service-credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ vendor: 'openai', name: 'bench stand-in', api_key: VENDOR_KEY, base_url: baseUrl }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || typeof body.id !== 'string') throw new Error(`creating the service credential failed: HTTP ${res.status}`);
  return body.id;
}

/** The voice agent: STT, LLM and TTS on the stand-in, no greeting. */
function voiceEngine(credentialId: string): Record<string, unknown> {
  return {
    type: 'voice',
    stt: { vendor: 'openai', credential_id: credentialId, model: 'whisper-1', language: 'en' },
    llm: { credential_id: credentialId, model: 'gpt-4o-mini' },
    tts: { vendor: 'openai', credential_id: credentialId, model: 'tts-1', voice: 'alloy' },
    prompt: 'You are a benchmark agent.',
    endpointing: { silence_ms: ENDPOINTING_SILENCE_MS },
  };
}

/** Nearest-rank quantiles. */
function spread(xs: number[]): Spread {
  if (xs.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { n: s.length, p50: round(at(0.5), 2), p99: round(at(0.99), 2), max: round(s[s.length - 1]!, 2) };
}

const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);
const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(1));

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
