/**
 * The per-process part of the VAD: the Silero session (created lazily, once, and shared by every
 * stream: each stream keeps its own state, so results equal solo runs) and the WebRTC WASM
 * module, plus the fallback decision. Apps create one runtime at boot and pass it to whatever
 * makes streams; `createVad` uses a process-wide default one for convenience.
 */
import type { WindowClassifier } from './classifier.ts';
import { VadError, VadErrorCode } from './errors.ts';
import { resolveVadOptions, VadEngine, type VadOptions } from './options.ts';
import { loadSileroSession, SileroClassifier, type SileroSession } from './silero.ts';
import { type Vad, VadStream } from './vad-stream.ts';
import { loadWebRtcVad, WebRtcClassifier, type WebRtcVadModule } from './webrtc.ts';

/** The logger calls the runtime makes (pino's `Logger` fits). */
export interface VadLogger {
  warn(obj: object, msg: string): void;
}

/** Options of {@link createVadRuntime}. */
export interface VadRuntimeOptions {
  /**
   * Told once when Silero cannot load and streams fall back to WebRTC (`err` is the cause). Without
   * one, a process warning (`VR3_VAD_FALLBACK`) is emitted instead.
   */
  logger?: VadLogger | undefined;
  /** Loads the shared Silero session; default {@link loadSileroSession}. Tests inject failures here. */
  loadSilero?: (() => Promise<SileroSession>) | undefined;
  /** Instantiates the WebRTC VAD module; default {@link loadWebRtcVad}. */
  loadWebRtc?: (() => Promise<WebRtcVadModule>) | undefined;
}

/** Makes VAD streams that share one model per process. */
export interface VadRuntime {
  /**
   * A new stream. With `engine: "silero"` (the default) the first call loads the model; if that
   * fails, this and every later stream use WebRTC VAD (told once to the logger). Rejects
   * `vad_invalid_options`, `vad_engine_unavailable` (no engine loads) or `vad_closed`.
   */
  createVad(options: VadOptions): Promise<Vad>;
  /** Loads the Silero session now (at boot, off the first call's path); resolves the engine streams will get. */
  warmUp(): Promise<VadEngine>;
  /** Frees the shared session. Close the runtime's streams first. Idempotent. */
  close(): Promise<void>;
}

const emitWarningLogger: VadLogger = {
  warn(obj, msg) {
    const cause = (obj as { err?: unknown }).err;
    process.emitWarning(msg, { code: 'VR3_VAD_FALLBACK', detail: cause instanceof Error ? cause.message : undefined });
  },
};

/** A runtime with its own lazily loaded Silero session and WebRTC module. */
export function createVadRuntime(options: VadRuntimeOptions = {}): VadRuntime {
  const logger = options.logger ?? emitWarningLogger;
  const loadSilero = options.loadSilero ?? (() => loadSileroSession());
  const loadWebRtc = options.loadWebRtc ?? loadWebRtcVad;
  /** Settles once: the session, or undefined when it could not load (then WebRTC is used). */
  let silero: Promise<SileroSession | undefined> | undefined;
  let webrtc: Promise<WebRtcVadModule> | undefined;
  let closed = false;

  const sileroSession = (): Promise<SileroSession | undefined> =>
    (silero ??= Promise.resolve().then(loadSilero).then(
      (session) => session,
      (err: unknown) => {
        logger.warn({ err, engine: VadEngine.WebRtc }, 'silero vad unavailable, falling back to webrtc vad');
        return undefined;
      },
    ));

  // A failed WebRTC load is not kept: the next stream tries again.
  const webrtcModule = (): Promise<WebRtcVadModule> =>
    (webrtc ??= Promise.resolve().then(loadWebRtc).catch((err: unknown) => {
      webrtc = undefined;
      throw err;
    }));

  const assertOpen = (): void => {
    if (closed) throw new VadError(VadErrorCode.Closed, 'VAD runtime is closed');
  };

  return {
    async createVad(vadOptions) {
      assertOpen();
      const opts = resolveVadOptions(vadOptions);
      let classifier: WindowClassifier | undefined;
      if (opts.engine === VadEngine.Silero) {
        const session = await sileroSession();
        if (session) classifier = new SileroClassifier(session, opts.sampleRate);
      }
      if (!classifier) {
        let mod: WebRtcVadModule;
        try {
          mod = await webrtcModule();
        } catch (err) {
          throw new VadError(VadErrorCode.EngineUnavailable, 'no VAD engine could be loaded', { cause: err });
        }
        classifier = new WebRtcClassifier(mod, opts.sampleRate, opts.webrtcMode);
      }
      if (closed) {
        classifier.close();
        assertOpen();
      }
      return new VadStream(classifier, opts);
    },

    async warmUp() {
      assertOpen();
      return (await sileroSession()) ? VadEngine.Silero : VadEngine.WebRtc;
    },

    async close() {
      if (closed) return;
      closed = true;
      const session = await silero;
      await session?.close();
    },
  };
}

let defaultRuntime: VadRuntime | undefined;

/**
 * The process-wide runtime behind {@link createVad}, made on first use (no logger: a fallback is
 * reported as a process warning). Apps that log should create their own with {@link createVadRuntime}.
 */
export function defaultVadRuntime(): VadRuntime {
  return (defaultRuntime ??= createVadRuntime());
}

/** A stream on the {@link defaultVadRuntime} (Silero v5 loaded once per process, WebRTC fallback). */
export function createVad(options: VadOptions): Promise<Vad> {
  return defaultVadRuntime().createVad(options);
}
