/**
 * A local Deepgram live STT (`/v1/listen`) on a real WebSocket: checks `Authorization: Token <key>`,
 * reads the audio format from the query, counts audio, and answers from a script — SpeechStarted,
 * interim and final Results (`speech_final` after the endpointing gap), UtteranceEnd, Finalize and
 * CloseStream as Deepgram does — or closes with Deepgram's error codes, or hangs. Records what it
 * received: the upgrade (headers without the key), every JSON message, audio bytes and frames.
 * `GET /v1/projects` (what a credentials check reads) answers with the same key check.
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { StandInConnection } from '../streaming/stand-in-connection.ts';
import { startScriptedStandIn } from '../streaming/stand-in-server.ts';
import type { RecordedUpgrade, ScriptedStandIn } from '../streaming/stand-in-server.ts';

/** One scripted utterance, placed on the stream's audio timeline. */
export interface DeepgramScriptedUtterance {
  /** The final transcript (words split on spaces; `word` is lower case without punctuation). */
  text: string;
  /** Audio offset where speech starts, in ms: `SpeechStarted` (with `vad_events=true`) once audio reaches it. */
  startMs: number;
  /** Audio offset where the last word ends, in ms. */
  endMs: number;
  /**
   * Interim transcripts, sent (with `interim_results=true`) at even steps as audio passes from start
   * to end. Default: the growing word prefixes, all but the full text. `[]` for none.
   */
  interims?: readonly string[];
  /**
   * `endpoint` (default): the final result, with `speech_final: true`, once audio reaches `endMs` +
   * the `endpointing` parameter. `finalize`: the final result only answers `Finalize` (or CloseStream).
   */
  finalOn?: 'endpoint' | 'finalize';
}

/** What a Deepgram stand-in connection does. */
export interface DeepgramStandInScript {
  utterances?: readonly DeepgramScriptedUtterance[];
  /** Once this much audio (ms) arrived, close with `code` and `reason` (`1008 DATA-0000`, `1011 NET-0001`). */
  closeWith?: { afterAudioMs: number; code: number; reason: string } | undefined;
  /** Close with `1011 NET-0001` when nothing (audio or message) arrived for this long, as Deepgram does after 10 s. */
  idleCloseMs?: number | undefined;
  /** Read everything, answer nothing (no results, no reply to Finalize or CloseStream). */
  hang?: boolean | undefined;
  /** Delay of every message the stand-in sends, in ms. */
  replyDelayMs?: number | undefined;
}

/** Options of {@link startDeepgramStandIn}. */
export interface DeepgramStandInOptions {
  /** The key expected after `Token `; default: any. A wrong or missing key is refused 401. */
  apiKey?: string;
  /** Script of every new connection (changeable with `setScript`). */
  script?: DeepgramStandInScript;
}

/** A running Deepgram stand-in (`setScript` changes the script of connections accepted from now on). */
export type DeepgramStandIn = ScriptedStandIn<DeepgramStandInConnection, DeepgramStandInScript>;

/** Starts a Deepgram stand-in on 127.0.0.1, port 0. */
export async function startDeepgramStandIn(options: DeepgramStandInOptions = {}): Promise<DeepgramStandIn> {
  return startScriptedStandIn(
    {
      credentialHeader: 'authorization',
      credentialOf: (value) => (value.startsWith('Token ') ? value.slice('Token '.length) : undefined),
      apiKey: options.apiKey,
      servesPath: (path) => path === '/v1/listen',
      restReads: { '/v1/projects': { projects: [{ project_id: '00000000-0000-4000-8000-000000000001', name: 'Stand-in project' }] } },
      refusal: (status) => ({
        headers: { 'content-type': 'application/json', 'dg-error': status === 401 ? 'Invalid credentials.' : 'Request refused.', 'dg-request-id': randomUUID() },
        body: JSON.stringify(status === 401 ? { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' } : { err_code: 'REQUEST_REFUSED', err_msg: 'Request refused.' }),
      }),
    },
    options.script,
    (ws, upgrade, script) => new DeepgramStandInConnection(ws, upgrade, script),
  );
}

type UtteranceState = 'pending' | 'speaking' | 'final' | 'done';

interface Tracked {
  u: DeepgramScriptedUtterance;
  state: UtteranceState;
  interims: readonly string[];
  interimsSent: number;
}

/** One accepted connection: what it received (JSON: KeepAlive, Finalize, CloseStream, …; audio counted), what it sent, and manual controls. */
export class DeepgramStandInConnection extends StandInConnection<DeepgramStandInScript> {
  readonly requestId = randomUUID();
  audioBytes = 0;
  audioFrames = 0;
  readonly #utterances: Tracked[];
  readonly #bytesPerMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #idleTimer: NodeJS.Timeout | undefined;
  #closeRequested = false;

  constructor(ws: WebSocket, upgrade: RecordedUpgrade, script: DeepgramStandInScript) {
    super(ws, upgrade, script);
    const q = upgrade.query;
    const sampleRate = Number(q.get('sample_rate') ?? 16000);
    const channels = Number(q.get('channels') ?? 1);
    this.#bytesPerMs = (sampleRate * channels * (q.get('encoding') === 'mulaw' ? 1 : 2)) / 1000;
    this.#utterances = (script.utterances ?? []).map((u) => ({ u, state: 'pending', interims: u.interims ?? defaultInterims(u.text), interimsSent: 0 }));
    this.#armIdle();
  }

  /** Audio received so far, in ms of the announced format. */
  get audioMs(): number {
    return this.audioBytes / this.#bytesPerMs;
  }

  /** The `type`s of the JSON messages received. */
  get receivedTypes(): string[] {
    return this.receivedJson.map((m) => String((m as { type?: unknown }).type));
  }

  protected stop(): void {
    this.#clearTimers();
  }

  protected onMessage(data: Buffer, isBinary: boolean): void {
    this.#armIdle();
    if (isBinary) {
      this.audioBytes += data.length;
      this.audioFrames++;
      if (this.script.hang || this.#closeRequested) return;
      const c = this.script.closeWith;
      if (c !== undefined && this.audioMs >= c.afterAudioMs) {
        this.#later(() => this.close(c.code, c.reason));
        this.#closeRequested = true;
        return;
      }
      this.#advance();
      return;
    }
    const msg = this.readJson(data, 1008, 'DATA-0000');
    if (msg === undefined || this.script.hang === true || this.#closeRequested) return;
    const type = (msg as { type?: unknown }).type;
    if (type === 'Finalize') this.#finalizeAll(true);
    else if (type === 'CloseStream') {
      this.#closeRequested = true;
      this.#finalizeAll(false);
      this.#emit({
        type: 'Metadata',
        transaction_key: 'deprecated',
        request_id: this.requestId,
        sha256: '',
        created: new Date().toISOString(),
        duration: this.audioMs / 1000,
        channels: 1,
        models: [],
        model_info: {},
      });
      this.#later(() => this.close(1000, ''));
    }
  }

  /** Sends what the audio received so far has reached, utterance by utterance. */
  #advance(): void {
    const at = this.audioMs;
    const q = this.upgrade.query;
    const endpointing = q.get('endpointing') === 'false' ? undefined : Number(q.get('endpointing') ?? 10);
    const utteranceEnd = q.has('utterance_end_ms') ? Number(q.get('utterance_end_ms')) : undefined;
    for (const t of this.#utterances) {
      const { u } = t;
      if (t.state === 'pending' && at >= u.startMs) {
        t.state = 'speaking';
        if (q.get('vad_events') === 'true') this.#emit({ type: 'SpeechStarted', channel: [0, 1], timestamp: u.startMs / 1000 });
      }
      if (t.state === 'speaking') {
        if (q.get('interim_results') === 'true') {
          while (t.interimsSent < t.interims.length && at >= u.startMs + ((u.endMs - u.startMs) * (t.interimsSent + 1)) / (t.interims.length + 1)) {
            this.#emit(results(t.interims[t.interimsSent]!, u, this.requestId, { isFinal: false, speechFinal: false, fromFinalize: false }));
            t.interimsSent++;
          }
        }
        if ((u.finalOn ?? 'endpoint') === 'endpoint' && endpointing !== undefined && at >= u.endMs + endpointing) {
          this.#emit(results(u.text, u, this.requestId, { isFinal: true, speechFinal: true, fromFinalize: false }));
          t.state = 'final';
        }
      }
      if (t.state === 'final' && utteranceEnd !== undefined && at >= u.endMs + utteranceEnd) {
        this.#emit({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: u.endMs / 1000 });
        t.state = 'done';
      }
    }
  }

  /** Finalize (or CloseStream): every started, unfinished utterance becomes final now. */
  #finalizeAll(fromFinalize: boolean): void {
    let sent = false;
    for (const t of this.#utterances) {
      if (t.state !== 'speaking') continue;
      this.#emit(results(t.u.text, t.u, this.requestId, { isFinal: true, speechFinal: false, fromFinalize }));
      t.state = 'final';
      sent = true;
    }
    if (!sent && fromFinalize) {
      const at = this.audioMs;
      this.#emit(results('', { text: '', startMs: at, endMs: at }, this.requestId, { isFinal: true, speechFinal: false, fromFinalize }));
    }
  }

  #emit(message: Record<string, unknown>): void {
    this.#later(() => this.send(message));
  }

  #later(action: () => void): void {
    const delay = this.script.replyDelayMs ?? 0;
    if (delay <= 0) return action();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, delay);
    this.#timers.add(timer);
  }

  #armIdle(): void {
    const idle = this.script.idleCloseMs;
    if (idle === undefined) return;
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.close(1011, 'NET-0001'), idle);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}

function defaultInterims(text: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  return words.slice(1).map((_, i) => words.slice(0, i + 1).join(' '));
}

/** A Deepgram `Results` message for `text` spread evenly over the utterance's span. */
function results(
  text: string,
  u: Pick<DeepgramScriptedUtterance, 'startMs' | 'endMs'> & { text: string },
  requestId: string,
  flags: { isFinal: boolean; speechFinal: boolean; fromFinalize: boolean },
): Record<string, unknown> {
  const tokens = text.split(/\s+/).filter((w) => w !== '');
  const all = u.text.split(/\s+/).filter((w) => w !== '').length || 1;
  const step = (u.endMs - u.startMs) / all;
  const words = tokens.map((token, i) => ({
    word: token.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
    start: (u.startMs + i * step) / 1000,
    end: (u.startMs + (i + 1) * step) / 1000,
    confidence: 0.98,
    punctuated_word: token,
  }));
  const end = tokens.length === 0 ? u.startMs : u.startMs + tokens.length * step;
  return {
    type: 'Results',
    channel_index: [0, 1],
    duration: (end - u.startMs) / 1000,
    start: u.startMs / 1000,
    is_final: flags.isFinal,
    speech_final: flags.speechFinal,
    channel: { alternatives: [{ transcript: text, confidence: tokens.length === 0 ? 0 : 0.98, words }] },
    metadata: { request_id: requestId, model_info: { name: 'stand-in', version: '0', arch: 'stand-in' }, model_uuid: '00000000-0000-0000-0000-000000000000' },
    from_finalize: flags.fromFinalize,
  };
}

