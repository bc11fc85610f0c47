/** The voice scenario's result file shape and its generated block of docs/benchmarks.md. */
import type { BenchResult } from './result.ts';

/** p50 / p99 / max of a sample set (nearest rank), ms; `null` without samples. */
export interface Spread {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** One measured turn of the latency phase. */
export interface VoiceTurn {
  tag: string;
  runId: string;
  /** The run's metric events, ms from the product's endpointing decision. */
  sttLatencyMs: number | null;
  llmFirstTokenMs: number | null;
  ttsFirstAudioMs: number | null;
  firstAudioSentMs: number | null;
  /** The stand-in's own time in the turn's critical path (STT answer + chat answer + first TTS byte). */
  standInMs: number | null;
  /** first_audio_sent_ms − standInMs. */
  addedMs: number | null;
}

/** One CPU step: N calls of one agent for the window. */
export interface CpuStep {
  agent: 'voice' | 'echo';
  calls: number;
  windowMs: number;
  /** Product process tree (node + PostgreSQL), % of one core over the window. */
  treeCpuPercent: number;
  /** (tree − idle tree) / calls. */
  perCallPercent: number;
  /** Voice only: turns (transcriptions) answered by the stand-in during the window. */
  turnsInWindow: number | null;
  /** Calls that closed before the end of the window. */
  closedEarly: number;
  /** Calls that got no agent audio at all (echo: no echo; voice: no reply). */
  silentCalls: number;
}

/** The result file of `npm run bench -- --scenario voice`. */
export interface VoiceBenchResult {
  schema: 1;
  scenario: 'voice';
  date: string;
  quick: boolean;
  commit: string;
  uncommittedChanges: boolean | null;
  machine: BenchResult['machine'];
  settings: {
    pinned: boolean;
    serverCore: number | null;
    loadCore: number | null;
    endpointingSilenceMs: number;
    speechFile: string;
    speechEndMs: number;
    speechFileMs: number;
    latencyCalls: number;
    latencyConcurrency: number;
    warmupCalls: number;
    cpuCalls: number;
    cpuWindowMs: number;
    cpuCycleMs: number;
    targetP99Ms: number;
  };
  latency: {
    turns: VoiceTurn[];
    failedCalls: number;
    addedMs: Spread;
    firstAudioSentMs: Spread;
    standInMs: Spread;
    sttLatencyMs: Spread;
    llmFirstTokenMs: Spread;
    ttsFirstAudioMs: Spread;
    /** Client: end of speech in the caller's audio → first audible agent frame received. */
    clientEndOfSpeechToAudioMs: Spread;
    /** Each stage on its own: STT answer, then chat to first token, TTS to first audio, first audio sent. */
    stagesMs: { stt: Spread; llm: Spread; tts: Spread; send: Spread };
    /** Requests the stand-in answered during the latency phase, and the TCP connections it accepted for them. */
    standInRequests: number;
    standInConnections: number;
    targetMet: boolean | null;
  };
  cpu: {
    idleTreeCpuPercent: number;
    voice: CpuStep;
    echo: CpuStep;
    /** voice per call − echo per call. */
    voicePipelinePerCallPercent: number;
    callsPerCoreVoice: number | null;
    callsPerCoreEcho: number | null;
  };
}

const f = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
const pair = (s: Spread, digits = 1): string => `${f(s.p50, digits)} / ${f(s.p99, digits)}`;

/** The generated Markdown of the voice block. */
export function renderVoiceResult(r: VoiceBenchResult, resultFile: string): string {
  const m = r.machine;
  const s = r.settings;
  const L = r.latency;
  const c = r.cpu;
  const lines: string[] = [];
  const dirty = r.uncommittedChanges ? ' **with uncommitted changes to the product** (apps/, packages/, prisma/)' : '';
  lines.push(`Measured **${r.date.slice(0, 10)}** (${r.date}) by \`npm run bench -- --scenario voice${r.quick ? ' --quick' : ''}\` at commit \`${r.commit}\`${dirty}, result file \`${resultFile}\`.`);
  lines.push('');
  lines.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}, ${m.os}; load average at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${m.loadAvgEnd.map((x) => x.toFixed(2)).join(' / ')}` +
      `${m.busyAtStart ? ' — **the machine was busy at start: numbers are noisy**' : ''}. ${s.pinned ? `Product (node + PostgreSQL) pinned to core ${s.serverCore}, load generator and stand-ins to core ${s.loadCore}` : 'Not pinned'}. ` +
      `Voice agent: STT, LLM and TTS on the OpenAI-compatible stand-in in the bench process (answers at once), endpointing silence ${s.endpointingSilenceMs} ms, no greeting; caller audio \`${s.speechFile}\` (speech ends at ${s.speechEndMs} ms of ${s.speechFileMs} ms), Cloudonix μ-law 8 kHz.`,
  );
  lines.push('');
  lines.push(`Latency: ${L.turns.length} turns (${s.latencyCalls} calls, ${s.latencyConcurrency} at a time, after ${s.warmupCalls} warm-up calls; ${L.failedCalls} failed), ms, p50 / p99 (max):`);
  lines.push('');
  lines.push('| | p50 / p99 | max |');
  lines.push('|---|---|---|');
  lines.push(`| **pipeline's added latency**: \`first_audio_sent_ms\` − stand-in time | **${pair(L.addedMs)}** | ${f(L.addedMs.max)} |`);
  lines.push(`| \`first_audio_sent_ms\` (from the endpointing decision) | ${pair(L.firstAudioSentMs)} | ${f(L.firstAudioSentMs.max)} |`);
  lines.push(`| stand-in time in the turn (STT answer + chat answer + first TTS byte) | ${pair(L.standInMs, 2)} | ${f(L.standInMs.max, 2)} |`);
  lines.push(`| \`stt_latency_ms\` | ${pair(L.sttLatencyMs)} | ${f(L.sttLatencyMs.max)} |`);
  lines.push(`| \`llm_first_token_ms\` | ${pair(L.llmFirstTokenMs)} | ${f(L.llmFirstTokenMs.max)} |`);
  lines.push(`| \`tts_first_audio_ms\` | ${pair(L.ttsFirstAudioMs)} | ${f(L.ttsFirstAudioMs.max)} |`);
  lines.push(`| client: end of speech in the audio → first agent audio received | ${pair(L.clientEndOfSpeechToAudioMs)} | ${f(L.clientEndOfSpeechToAudioMs.max)} |`);
  const st = L.stagesMs;
  lines.push('');
  lines.push(
    `Stages on their own, p50 / p99 ms: endpointing decision → STT answer ${pair(st.stt)}; → first LLM token ${pair(st.llm)}; → first TTS audio ${pair(st.tts)}; → first audio sent ${pair(st.send)}.`,
  );
  lines.push('');
  lines.push(`The stand-in answered ${L.standInRequests} requests on ${L.standInConnections} new TCP connections during the latency phase.`);
  lines.push('');
  lines.push(`Target: added p99 ≤ ${s.targetP99Ms} ms beyond the endpointing delay — **${L.targetMet === null ? 'not measured' : L.targetMet ? 'met' : 'not met'}** (${f(L.addedMs.p99)} ms).`);
  lines.push('');
  lines.push(`CPU per live call: ${s.cpuCalls} concurrent calls for ${s.cpuWindowMs / 1000} s, each looping the speech file then silence (${s.cpuCycleMs} ms cycle); product process tree (node + PostgreSQL; stand-ins excluded); idle tree ${f(c.idleTreeCpuPercent, 2)} % of a core, subtracted:`);
  lines.push('');
  lines.push('| | echo agent (baseline, same run) | voice agent |');
  lines.push('|---|---|---|');
  lines.push(`| product tree CPU (% of a core) | ${f(c.echo.treeCpuPercent)} | ${f(c.voice.treeCpuPercent)} |`);
  lines.push(`| **CPU per call (% of a core)** | ${f(c.echo.perCallPercent, 2)} | **${f(c.voice.perCallPercent, 2)}** |`);
  lines.push(`| voice pipeline's own share per call (voice − echo) | | ${f(c.voicePipelinePerCallPercent, 2)} |`);
  lines.push(`| **calls per core implied** (100 / per-call %) | ${f(c.callsPerCoreEcho, 0)} | **${f(c.callsPerCoreVoice, 0)}** |`);
  lines.push(`| turns answered in the window | | ${c.voice.turnsInWindow ?? '—'} |`);
  lines.push(`| calls closed early / calls without agent audio | ${c.echo.closedEarly} / ${c.echo.silentCalls} | ${c.voice.closedEarly} / ${c.voice.silentCalls} |`);
  return lines.join('\n');
}
