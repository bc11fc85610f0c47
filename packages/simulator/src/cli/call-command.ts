import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pcmToWav, tone, wavToPcm } from '../audio/source.ts';
import { runCall, type CallReport, type TimelineEntry } from '../call/run-call.ts';
import type { WireFormat } from '../audio/wire-format.ts';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { MEDIA_CLIENT_PROVIDERS } from '@vr3/providers/testing';
import { choice, intOption, numberOption, parseDtmf, parseFormat } from './args.ts';
import { providerDefaults } from '../provider-defaults.ts';
import { accountOf, resolveStreamUrl } from './target.ts';

/** `vr3-sim call`. */
export async function callCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      product: { type: 'string' },
      agent: { type: 'string' },
      provider: { type: 'string', default: 'cloudonix' },
      wav: { type: 'string' },
      tone: { type: 'string' },
      duration: { type: 'string' },
      dtmf: { type: 'string' },
      out: { type: 'string' },
      tail: { type: 'string' },
      hangup: { type: 'string' },
      account: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const provider = choice('provider', values.provider, MEDIA_CLIENT_PROVIDERS) ?? 'cloudonix';
  const account = accountOf(provider, values.account);
  const url = resolveStreamUrl(values, provider, account);
  const requested = parseFormat(values.format, providerDefaults(provider).l16Encoding) ?? urlFormat(provider, url);
  const sampleRate = requested?.sampleRate ?? 8000; // every provider client's default rate
  let audio: Int16Array;
  if (values.wav !== undefined) {
    let file: Buffer;
    try {
      file = readFileSync(values.wav);
    } catch (err) {
      throw new SimulatorError(SimulatorErrorCode.InvalidAudio, `cannot read ${values.wav}`, { cause: err });
    }
    audio = wavToPcm(file, sampleRate);
  } else {
    audio = tone(numberOption('tone', values.tone) ?? 440, intOption('duration', values.duration, 20) ?? 3000, sampleRate);
  }
  const print = (e: TimelineEntry): void => {
    if (values.json) return;
    const detail = e.detail ? ` ${Object.entries(e.detail).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
    process.stdout.write(`${e.atMs.toFixed(1).padStart(9)} ms  ${e.event}${detail}\n`);
  };
  const report = await runCall({
    url,
    provider,
    audio,
    ...(requested ? { format: requested } : {}),
    call: { accountId: account },
    dtmf: parseDtmf(values.dtmf),
    tailMs: intOption('tail', values.tail) ?? 1000,
    hangup: choice('hangup', values.hangup, ['provider', 'close'] as const) ?? 'provider',
    onTimeline: print,
  });
  if (report.format.sampleRate !== sampleRate) {
    throw new SimulatorError(SimulatorErrorCode.InvalidOption, `the ${provider} client streamed at ${report.format.sampleRate} Hz; pass --format`);
  }
  if (values.out !== undefined) writeFileSync(values.out, pcmToWav(report.received, report.format.sampleRate));
  const summary = {
    provider: report.provider,
    streamId: report.streamId,
    openMs: round(report.openMs),
    firstAudioMs: report.firstAudioMs === null ? null : round(report.firstAudioMs),
    framesSent: report.framesSent,
    framesReceived: report.framesReceived,
    format: `${report.format.encoding}/${report.format.sampleRate}`,
    receivedMs: Math.round((report.received.length * 1000) / report.format.sampleRate),
    marks: report.marks,
    clears: report.clears,
    invalidFrames: report.invalidFrames,
    close: report.close,
    ...(values.out === undefined ? {} : { recording: values.out }),
  };
  if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, timeline: report.timeline }, null, 2)}\n`);
  else {
    process.stdout.write(
      `\nopen ${summary.openMs} ms · first audio ${summary.firstAudioMs ?? '—'} ms · sent ${summary.framesSent} frames · ` +
        `received ${summary.framesReceived} frames (${summary.receivedMs} ms) · marks ${summary.marks} · clears ${summary.clears} · ` +
        `close ${report.close ? `${report.close.code}${report.close.reason ? ` "${report.close.reason}"` : ''}` : '—'}` +
        `${values.out === undefined ? '' : ` · recorded to ${values.out}`}\n`,
    );
  }
  return callFailed(report) ? 1 : 0;
}

/**
 * A call failed when no audio came back, the socket did not close or closed with a code other than
 * 1000 (a normal end: the provider's hangup, the agent's hangup), or the agent sent frames a provider
 * would have rejected.
 */
export function callFailed(report: Pick<CallReport, 'firstAudioMs' | 'close' | 'invalidFrames'>): boolean {
  return report.firstAudioMs === null || report.close === null || report.close.code !== 1000 || report.invalidFrames > 0;
}

/** Exotel's `sample-rate` URL parameter (PCM16 LE at that rate), as Exotel streams when the URL asks for it. */
export function urlFormat(provider: string, url: string): WireFormat | undefined {
  if (provider !== 'exotel') return undefined;
  const rate = Number(new URL(url).searchParams.get('sample-rate'));
  return [8000, 16000, 24000].includes(rate) ? { encoding: 'pcm16le', sampleRate: rate } : undefined;
}

const round = (v: number): number => Math.round(v * 10) / 10;
